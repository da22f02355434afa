"""Errors kspec raises, each carrying one message a person can act on.

``ApiError`` mirrors apimachinery's StatusError: an HTTP code, a reason and
the message kubectl prints after ``Error from server (<Reason>):``.
"""

from __future__ import annotations


class KspecError(Exception):
    """Base of every error kspec reports without a traceback."""


class ClockError(KspecError):
    """Time was asked to do something it cannot (move backwards, loop at one instant)."""


class ManifestError(KspecError):
    """A YAML document could not be read as a Kubernetes object."""


class PluginError(KspecError):
    """A plugin was not found, or one of its hooks raised."""


class NotImplementedYet(KspecError):
    """A step needs a component this build of kspec does not have yet."""


class StepError(KspecError):
    """A step was written in a way kspec cannot carry out."""


class ArgumentError(KspecError, ValueError):
    """A Python API call got an argument it cannot use; the message names the parameter."""


class TimeoutError_(KspecError, AssertionError):
    """``settle`` or ``within`` ran out of virtual time."""


class ApiError(KspecError):
    """An error the simulated kube-apiserver returned (metav1.Status)."""

    def __init__(self, code: int, reason: str, message: str, *, causes: list[dict] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.causes = causes or []

    def kubectl(self) -> str:
        """The line kubectl prints for this error."""
        # kubectl leaves out the parenthesis when the Status has no reason (storage errors)
        return f"Error from server ({self.reason}): {self.message}" if self.reason else \
            f"Error from server: {self.message}"


def not_found(resource: str, name: str) -> ApiError:
    # apierrors.NewNotFound: `<resource> "<name>" not found`
    return ApiError(404, "NotFound", f'{resource} "{name}" not found')


def already_exists(resource: str, name: str) -> ApiError:
    return ApiError(409, "AlreadyExists", f'{resource} "{name}" already exists')


def conflict(resource: str, name: str) -> ApiError:
    # apierrors.NewConflict with registry's OptimisticLockErrorMsg
    return ApiError(409, "Conflict", f'Operation cannot be fulfilled on {resource} "{name}": the object has '
                    "been modified; please apply your changes to the latest version and try again")


def invalid(message: str) -> ApiError:
    return ApiError(422, "Invalid", message)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def forbidden(message: str) -> ApiError:
    return ApiError(403, "Forbidden", message)


def unavailable(message: str, code: int = 500, reason: str = "InternalError") -> ApiError:
    return ApiError(code, reason, message)
