"""Step libraries, one module per domain; importing this package registers every phrase."""

from kspec.steps import (  # noqa: F401 - imported for their registrations
    access,
    cluster,
    commands,
    control_plane,
    controllers,
    endpointslices,
    etcd,
    files,
    ingress,
    manifests,
    network,
    nodes,
    objects,
    pods,
    quota,
    scheduling,
    storage,
    tables,
    time,
    traffic,
    workloads,
)
from kspec.steps.registry import PHRASES, Phrase, find

__all__ = ["PHRASES", "Phrase", "find"]
