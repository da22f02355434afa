"""The fields of KubeSchedulerConfiguration v1 and its plugin args, for strict decoding.

kube-scheduler decodes its configuration with a strict codec
(``scheme.Codecs``, serializer.EnableStrict): an unknown or misspelt field is
an error, not something silently dropped. The tables below list the fields of
``config/v1/types.go`` and ``types_pluginargs.go`` (and the core types the args
embed); ``unknown_fields`` walks a document against them the way the decoder
reports it: the paths of every unknown field, keys in sorted order at each
level (the YAML is turned into JSON, whose object keys come out sorted).
"""

from __future__ import annotations

from typing import Any

#: a field whose value is not checked further (a scalar, a free-form map, a duration string)
ANY = None


class ListOf:
    """A list field whose items have this schema."""

    def __init__(self, item: Schema) -> None:
        self.item = item


Schema = dict[str, Any] | ListOf | None

_RESOURCE_SPEC = ListOf({"name": ANY, "weight": ANY})
_SHAPE = ListOf({"utilization": ANY, "score": ANY})
_REQUIREMENTS = ListOf({"key": ANY, "operator": ANY, "values": ANY})
_LABEL_SELECTOR = {"matchLabels": ANY, "matchExpressions": _REQUIREMENTS}
_NODE_SELECTOR_TERM = {"matchExpressions": _REQUIREMENTS, "matchFields": _REQUIREMENTS}
_NODE_AFFINITY = {
    "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": ListOf(_NODE_SELECTOR_TERM)},
    "preferredDuringSchedulingIgnoredDuringExecution": ListOf({"weight": ANY, "preference": _NODE_SELECTOR_TERM}),
}
_TOPOLOGY_SPREAD_CONSTRAINT = {
    "maxSkew": ANY, "topologyKey": ANY, "whenUnsatisfiable": ANY, "labelSelector": _LABEL_SELECTOR,
    "minDomains": ANY, "nodeAffinityPolicy": ANY, "nodeTaintsPolicy": ANY, "matchLabelKeys": ANY,
}
_TYPE_META = {"apiVersion": ANY, "kind": ANY}

#: <Plugin>Args of the in-tree plugins (types_pluginargs.go); other plugins' args are decoded as raw JSON
PLUGIN_ARGS: dict[str, dict[str, Any]] = {
    "DefaultPreemption": {**_TYPE_META, "minCandidateNodesPercentage": ANY, "minCandidateNodesAbsolute": ANY},
    "InterPodAffinity": {**_TYPE_META, "hardPodAffinityWeight": ANY, "ignorePreferredTermsOfExistingPods": ANY},
    "NodeResourcesFit": {**_TYPE_META, "ignoredResources": ANY, "ignoredResourceGroups": ANY, "scoringStrategy": {
        "type": ANY, "resources": _RESOURCE_SPEC, "requestedToCapacityRatio": {"shape": _SHAPE}}},
    "PodTopologySpread": {**_TYPE_META, "defaultConstraints": ListOf(_TOPOLOGY_SPREAD_CONSTRAINT),
                          "defaultingType": ANY},
    "NodeResourcesBalancedAllocation": {**_TYPE_META, "resources": _RESOURCE_SPEC},
    "NodeAffinity": {**_TYPE_META, "addedAffinity": _NODE_AFFINITY},
    "VolumeBinding": {**_TYPE_META, "bindTimeoutSeconds": ANY, "shape": _SHAPE},
}

_PLUGIN = {"name": ANY, "weight": ANY}
_PLUGIN_SET = {"enabled": ListOf(_PLUGIN), "disabled": ListOf(_PLUGIN)}
_PLUGINS = {point: _PLUGIN_SET for point in (
    "preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore", "score", "reserve", "permit",
    "preBind", "bind", "postBind", "multiPoint")}
#: pluginConfig args are checked on their own (decodeNestedObjects), after the configuration itself
_PROFILE = {"schedulerName": ANY, "percentageOfNodesToScore": ANY, "plugins": _PLUGINS,
            "pluginConfig": ListOf({"name": ANY, "args": ANY})}
CONFIGURATION: dict[str, Any] = {
    **_TYPE_META,
    "parallelism": ANY,
    "leaderElection": {"leaderElect": ANY, "leaseDuration": ANY, "renewDeadline": ANY, "retryPeriod": ANY,
                       "resourceLock": ANY, "resourceName": ANY, "resourceNamespace": ANY},
    "clientConnection": {"kubeconfig": ANY, "acceptContentTypes": ANY, "contentType": ANY, "qps": ANY,
                         "burst": ANY},
    "enableProfiling": ANY,
    "enableContentionProfiling": ANY,
    "percentageOfNodesToScore": ANY,
    "podInitialBackoffSeconds": ANY,
    "podMaxBackoffSeconds": ANY,
    "profiles": ListOf(_PROFILE),
    "extenders": ANY,  # refused as a whole: kspec has no extenders to call
    "delayCacheUntilActive": ANY,
}


def unknown_fields(value: Any, schema: Schema, path: str = "") -> list[str]:
    """The dotted paths (``profiles[0].plugins.score.enabeld``) of fields the schema does not know."""
    if schema is None:
        return []
    if isinstance(schema, ListOf):
        if not isinstance(value, list):
            return []
        out: list[str] = []
        for i, item in enumerate(value):
            out += unknown_fields(item, schema.item, f"{path}[{i}]")
        return out
    if not isinstance(value, dict):
        return []
    out = []
    for key in sorted(value, key=str):
        where = f"{path}.{key}" if path else str(key)
        if key not in schema:
            out.append(where)
        else:
            out += unknown_fields(value[key], schema[key], where)
    return out


def strict_error(paths: list[str]) -> str:
    """runtime.NewStrictDecodingError: ``strict decoding error: unknown field "a", unknown field "b"``."""
    return "strict decoding error: " + ", ".join(f'unknown field "{p}"' for p in paths)
