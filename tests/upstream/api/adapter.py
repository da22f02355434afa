"""Shared adapter for the API-server ports: upstream's internal objects as kspec manifests, and field errors.

Upstream's validation tests call ``ValidateX`` on internal objects that were never defaulted; kspec's
:func:`kspec.api.validation.validate` takes the same (undefaulted) manifest. Upstream's current pod
fixtures carry ``terminationGracePeriodSeconds: 30`` (``defaultGracePeriod``) because ValidatePodSpec
requires it; the templates built here do the same.
"""

from __future__ import annotations

import copy
from typing import Any

from kspec.api.validation import FieldError, validate

GRACE = 30  # validation_test.go defaultGracePeriod


def container(name: str = "abc", **extra: Any) -> dict[str, Any]:
    """The fixtures' container: image, IfNotPresent, File termination messages."""
    return {"name": name, "image": "image", "imagePullPolicy": "IfNotPresent",
            "terminationMessagePolicy": "File", **extra}


def template(labels: dict[str, str] | None, restart: str = "OnFailure", **spec: Any) -> dict[str, Any]:
    """A pod template with one container, ClusterFirst DNS and the given restart policy."""
    body: dict[str, Any] = {"restartPolicy": restart, "dnsPolicy": "ClusterFirst",
                            "terminationGracePeriodSeconds": GRACE, "containers": [container()], **spec}
    meta = {"labels": dict(labels)} if labels is not None else {}
    return {"metadata": meta, "spec": body}


def obj(api_version: str, kind: str, name: str, spec: dict[str, Any], namespace: str | None = "default",
        **meta: Any) -> dict[str, Any]:
    """A manifest with the given metadata and a deep copy of spec."""
    md: dict[str, Any] = {"name": name, **meta}
    if namespace is not None:
        md["namespace"] = namespace
    return {"apiVersion": api_version, "kind": kind, "metadata": md, "spec": copy.deepcopy(spec)}


def errors(new: dict[str, Any], old: dict[str, Any] | None = None) -> list[FieldError]:
    """kspec's field errors for a create (old None) or an update."""
    return validate(copy.deepcopy(new), copy.deepcopy(old) if old is not None else None)


def first_error_matches(errs: list[FieldError], key: str, sep_all: bool = False) -> bool:
    """Upstream's ``field:detail`` key check: errs[0].Field is the part before the first ':' and
    errs[0].Error() contains the rest (``strings.SplitN(k, ":", 2)``)."""
    if not errs:
        return False
    field, _, rest = key.partition(":")
    if sep_all:  # strings.Split(k, ":"): only the second piece is looked for
        rest = key.split(":")[1]
    return errs[0].field == field and rest in str(errs[0])


def make_pod_spec(containers: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """podtest.MakePodSpec: one container "ctr", restart Always, ClusterFirst, grace 30; extra overrides."""
    spec: dict[str, Any] = {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                            "terminationGracePeriodSeconds": GRACE,
                            "containers": [container("ctr")] if containers is None else containers}
    spec.update(extra)
    return spec
