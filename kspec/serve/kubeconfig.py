"""The kubeconfig ``kspec serve`` writes: one cluster, one context, no TLS."""

from __future__ import annotations

import json
from pathlib import Path


def write_kubeconfig(path: str | Path, server: str, *, token: str = "", name: str = "kspec") -> Path:
    """Write a kubeconfig pointing at ``server`` (JSON is valid YAML, and kubectl reads it)."""
    user: dict[str, str] = {"token": token} if token else {}
    doc = {
        "apiVersion": "v1", "kind": "Config", "preferences": {},
        "clusters": [{"name": name, "cluster": {"server": server}}],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name, "namespace": "default"}}],
        "current-context": name,
    }
    out = Path(path)
    out.write_text(json.dumps(doc, indent=2) + "\n")
    return out
