"""Errors kspec raises, each carrying one message a person can act on.

``ApiError`` mirrors apimachinery's StatusError: an HTTP code, a reason and
the message kubectl prints after ``Error from server (<Reason>):``.
"""

from __future__ import annotations

import json


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


class UnknownStep(StepError):
    """No phrase reads the step's text: its message names the closest one; the cluster explains nothing."""


class ArgumentError(KspecError, ValueError):
    """A Python API call got an argument it cannot use; the message names the parameter."""


class TimeoutError_(KspecError, AssertionError):
    """``settle`` or ``within`` ran out of virtual time."""


class ApiError(KspecError):
    """An error the simulated kube-apiserver returned (metav1.Status)."""

    def __init__(self, code: int, reason: str, message: str, *, causes: list[dict] | None = None,
                 details: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.causes = causes or []
        #: metav1.StatusDetails' kind, name and group (what apierrors.NewInvalid sets; kubectl words errors by them)
        self.details = details


class ClientError(ApiError):
    """An error kubectl makes itself, with no request sent: it prints without "Error from server"."""

    #: what kubectl adds after the message
    hint = ""


class NoKindMatch(ClientError):
    """meta.NoKindMatchError: the REST mapper knows no such kind, so kubectl never sends the request."""

    hint = "\nensure CRDs are installed first"  # cli-runtime's resource mapping error

    def __init__(self, api_version: str, kind: str) -> None:
        super().__init__(404, "NotFound", f'no matches for kind "{kind}" in version "{api_version}"')


def empty_name() -> ClientError:
    """client-go's request builder refusing ``Name("")``: kubectl apply's GET of the live object is never sent
    (no HTTP status: 400 BadRequest stands in)."""
    return ClientError(400, "BadRequest", "resource name may not be empty")


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


class ApplyError(ApiError):
    """The rejections of one ``kubectl apply``, in document order (the other documents were applied).

    The first error gives the code and reason; the message has the line kubectl prints for each rejected
    document, ``Error from server (<Reason>): error when creating "STDIN": <message>``, except for a lone
    Invalid rejection, which kubectl's CheckErr words from the status details: ``The Pod "x" is invalid: ...``.
    """

    def __init__(self, errors: list[tuple[str, ApiError]]) -> None:
        self.errors = [err for _, err in errors]
        lines = [_apply_line(context, err) for context, err in errors]
        first = self.errors[0]
        # kubectl apply returns a single error as it is (not an aggregate), and CheckErr prints an Invalid one
        # as "The <Kind> <name> is invalid" with its causes, without the context AddSourceToErr put in the message
        message = kubectl_invalid(first) if len(errors) == 1 and first.reason == "Invalid" else "\n".join(lines)
        super().__init__(first.code, first.reason, message, causes=first.causes, details=first.details)


def _apply_line(context: str, err: ApiError) -> str:
    """What kubectl apply prints for one refused document: the server's refusal, or its own (no request was sent:
    an unknown kind, a document without a name)."""
    if isinstance(err, ClientError):
        return f"{context}{err.message}{err.hint}"
    return f"Error from server ({err.reason}): {context}{err.message}" if err.reason \
        else f"Error from server: {context}{err.message}"


def mapping_context(name: str, namespace: str, origin: str) -> str:
    """cli-runtime's words before a NoKindMatch, for the document named ``name`` from ``origin``."""
    return f'resource mapping not found for name: "{name}" namespace: "{namespace}" from "{origin}": '


def kubectl_invalid(err: ApiError) -> str:
    """cmdutil.checkErr's words for an Invalid StatusError: ``The Pod "x" is invalid: <field>: <message>`` from
    the status details, or a ``* <field>: <message>`` line per cause (MultilineError, repeats dropped as
    statusCausesToAggrError does); ``The request is invalid: <message>`` without details."""
    details = err.details
    if details is None:
        return f"The request is invalid: {err.message}" if err.message else "The request is invalid"
    kind, name = details.get("kind", ""), details.get("name", "")
    head = f"The {kind} {json.dumps(name, ensure_ascii=False)} is invalid" if kind or name else \
        f"The request is invalid: {err.message}" if err.message and not err.causes else "The request is invalid"
    causes: list[str] = []
    for cause in err.causes:
        text = f"{cause.get('field', '')}: {cause.get('message', '')}"
        if text not in causes:
            causes.append(text)
    if not causes:
        return head
    if len(causes) == 1:
        return f"{head}: {causes[0]}"
    return f"{head}: \n" + "\n".join(f"* {cause}" for cause in causes)
