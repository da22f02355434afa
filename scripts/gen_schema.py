"""Generate kspec/api/openapi/<version>.json: the typed shape of every kind kspec serves.

The source is upstream's published OpenAPI document as the PyPI package ``kubernetes-validate``
ships it, converted per Kubernetes version into JSON-schema ``$defs``. We keep only the
definitions reachable from the kinds in kspec/api/kinds.py, drop descriptions and validation
keywords (decoding only needs types), and write a compact form the decoder reads:

- a leaf type is one of ``string bool int32 int64 float64 bytes time intstr quantity any``;
- ``{"ref": NAME}``, ``{"list": T}``, ``{"map": T}``;
- a definition is a leaf type or ``{"go": "v1.DeploymentSpec", "fields": {json name: T}}``.

Usage: python scripts/gen_schema.py [path/to/kubernetes_validate-*.whl]
(without a path the wheel is fetched with ``pip download --no-deps``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "kubernetes-validate"
PACKAGE_VERSION = "1.37.0"
K8S_VERSION = "v1.35.0"
MEMBER = f"kubernetes_validate/kubernetes-json-schema/{K8S_VERSION}-local/_definitions.json"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kspec" / "api" / "openapi" / f"{K8S_VERSION}.json"

# Types whose Go UnmarshalJSON takes more than one JSON shape, by definition name.
SPECIAL = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "intstr",
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "time",
}


def fetch_wheel(dest: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(dest),
                    f"{PACKAGE}=={PACKAGE_VERSION}"], check=True)
    return next(dest.glob("kubernetes_validate-*.whl"))


def go_name(definition: str) -> str:
    """``io.k8s.api.apps.v1.DeploymentSpec`` -> ``v1.DeploymentSpec`` (Go package.Type)."""
    parts = definition.split(".")
    return f"{parts[-2]}.{parts[-1]}"


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    return [x for x in ([t] if isinstance(t, str) else t or []) if x != "null"]


def convert(schema: dict[str, Any], refs: list[str]) -> Any:
    """One property's schema in the compact form; ``refs`` collects the definitions it names."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        refs.append(name)
        return {"ref": name}
    types, fmt = _types(schema), schema.get("format")
    if not types:
        return "any"
    kind = types[0]
    if kind == "string":
        return {"byte": "bytes", "date-time": "time"}.get(fmt or "", "string")
    if kind == "boolean":
        return "bool"
    if kind == "integer":
        return "int32" if fmt == "int32" else "int64"
    if kind == "number":
        return "float64"
    if kind == "array":
        return {"list": convert(schema.get("items") or {}, refs)}
    if kind == "object":
        if "properties" in schema:
            raise ValueError("an inline object with properties has no Go name")
        if isinstance(schema.get("additionalProperties"), dict):
            return {"map": convert(schema["additionalProperties"], refs)}
        return "any"  # RawExtension, FieldsV1, JSON: any JSON value
    raise ValueError(f"unknown schema type {kind!r}")


def convert_definition(name: str, schema: dict[str, Any], refs: list[str]) -> Any:
    if name in SPECIAL:
        return SPECIAL[name]
    if "properties" in schema:
        fields = {field: convert(sub, refs) for field, sub in sorted(schema["properties"].items())}
        return {"go": go_name(name), "fields": fields}
    return convert(schema, refs)


def kinds_served() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT))
    from kspec.api.kinds import KINDS

    out = []
    for k in KINDS:
        for version in (k.version, *k.extra_versions):
            out.append((f"{k.group}/{version}" if k.group else version, k.kind))
    return out


def generate(wheel: Path) -> dict[str, Any]:
    with zipfile.ZipFile(wheel) as z:
        defs = json.loads(z.read(MEMBER))["$defs"]
    by_gvk: dict[tuple[str, str], str] = {}
    for name, schema in defs.items():
        for gvk in schema.get("x-kubernetes-group-version-kind") or []:
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            by_gvk.setdefault((api_version, gvk["kind"]), name)
    kinds: dict[str, str] = {}
    queue: list[str] = []
    for api_version, kind in kinds_served():
        name = by_gvk.get((api_version, kind))
        if name is None:
            raise SystemExit(f"upstream {K8S_VERSION} has no definition for {api_version} {kind}")
        kinds[f"{api_version}/{kind}"] = name
        queue.append(name)
    out: dict[str, Any] = {}
    while queue:
        name = queue.pop()
        if name in out:
            continue
        refs: list[str] = []
        out[name] = convert_definition(name, defs[name], refs)
        queue.extend(r for r in refs if r not in out)
    return {
        "source": f"PyPI {PACKAGE}=={PACKAGE_VERSION}: {MEMBER} (upstream api/openapi-spec, "
                  "converted to JSON schema)",
        "kubernetesVersion": K8S_VERSION,
        "kinds": dict(sorted(kinds.items())),
        "definitions": dict(sorted(out.items())),
    }


def main(argv: list[str]) -> None:
    if argv:
        data = generate(Path(argv[0]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            data = generate(fetch_wheel(Path(tmp)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(data['kinds'])} kinds, {len(data['definitions'])} definitions")


if __name__ == "__main__":
    main(sys.argv[1:])
