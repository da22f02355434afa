"""Generate kspec/serve/proto_schema.json: the protobuf field table ``kspec serve`` decodes request bodies with.

kubectl's typed clients (``kubectl create namespace``, ``auth can-i``, drain's DeleteOptions) send
``application/vnd.kubernetes.protobuf``. The field numbers and types come from upstream's ``generated.proto``
files (k8s.io/api, k8s.io/apimachinery); what the proto files do not say comes from the Go types next to them:
the JSON name, whether a field is a pointer (present on the wire means set, even when zero), whether its JSON
tag says omitempty (a zero is left out) and whether an embedded struct is inlined in JSON
(``Volume.volumeSource``, ``Probe.handler``). Field flags in the table: r repeated, p pointer, i inline,
o omitempty.

Usage (a git directory of each repository, e.g. a bare clone)::

    python scripts/gen_proto_schema.py --api /path/to/kubernetes/api.git \\
        --apimachinery /path/to/kubernetes/apimachinery.git [--commit-api REV] [--commit-apimachinery REV]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kspec" / "serve" / "proto_schema.json"

# the packages whose messages kspec serve decodes: kspec/api/kinds.py's groups and what they reference
API_PACKAGES = ["core/v1", "apps/v1", "batch/v1", "policy/v1", "authorization/v1", "authentication/v1",
                "rbac/v1", "networking/v1", "storage/v1", "coordination/v1", "discovery/v1", "scheduling/v1",
                "autoscaling/v1", "autoscaling/v2", "events/v1", "node/v1"]
MACHINERY_PACKAGES = ["pkg/apis/meta/v1", "pkg/api/resource", "pkg/util/intstr", "pkg/runtime",
                      "pkg/runtime/schema"]
# messages the decoder starts from besides the top-level kinds: request bodies that are not stored objects
EXTRA_ROOTS = ["k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions", "k8s.io.api.policy.v1.Eviction",
               "k8s.io.api.autoscaling.v1.Scale", "k8s.io.apimachinery.pkg.runtime.Unknown"]
SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "double",
           "float", "fixed32", "fixed64", "sfixed32", "sfixed64"}

_MESSAGE = re.compile(r"^message (\w+) \{$")
_FIELD = re.compile(r"^\s+(optional|repeated) ([\w.]+) (\w+) = (\d+);")
_MAP = re.compile(r"^\s+map<(\w+), ([\w.]+)> (\w+) = (\d+);")
_STRUCT = re.compile(r"^type (\w+) struct \{")
_GOFIELD = re.compile(r"^\t(\S+)(?:\s+(\S+))?\s+`([^`]*)`")
_PKG = re.compile(r"^package ([\w.]+);", re.M)
_KIND_GROUP = re.compile(r"^const GroupName = \"([^\"]*)\"", re.M)


def _git(gitdir: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True, capture_output=True,
                          text=True).stdout


class Repo:
    def __init__(self, gitdir: str, rev: str) -> None:
        self.gitdir = gitdir
        self.rev = _git(gitdir, "rev-parse", rev).strip()
        self.files = set(_git(gitdir, "ls-tree", "-r", "--name-only", self.rev).split())

    def read(self, path: str) -> str:
        return _git(self.gitdir, "show", f"{self.rev}:{path}")

    def go_files(self, pkg: str) -> list[str]:
        return sorted(f for f in self.files if f.rsplit("/", 1)[0] == pkg and f.endswith(".go")
                      and not f.endswith("_test.go") and "generated" not in f and "zz_" not in f)


def go_fields(source: str) -> dict[str, dict[str, dict[str, object]]]:
    """Go struct -> protobuf field name -> json name, pointer, inline (from the struct tags)."""
    out: dict[str, dict[str, dict[str, object]]] = {}
    current: dict[str, dict[str, object]] | None = None
    for line in source.splitlines():
        m = _STRUCT.match(line)
        if m:
            current = out.setdefault(m.group(1), {})
            continue
        if line.startswith("}"):
            current = None
            continue
        if current is None:
            continue
        f = _GOFIELD.match(line)
        if not f:
            continue
        first, second, tag = f.groups()
        proto = re.search(r'protobuf:"[^"]*name=(\w+)', tag)
        if not proto:
            continue
        gotype = second if second else first
        js = re.search(r'json:"([^"]*)"', tag)
        jname = js.group(1).split(",")[0] if js else ""
        embedded = second is None
        current[proto.group(1)] = {"json": jname, "pointer": gotype.startswith("*"),
                                   "omitempty": js is not None and ("omitempty" in js.group(1) or
                                                                    "omitzero" in js.group(1)),
                                   "inline": embedded and jname == ""}  # encoding/json inlines an embedded struct
    return out


def parse_proto(text: str, structs: dict[str, dict[str, dict[str, object]]]) -> tuple[str, dict[str, dict]]:
    """One generated.proto: its package and message -> field number -> [json, type, flags]."""
    package = _PKG.search(text).group(1)  # type: ignore[union-attr]
    messages: dict[str, dict] = {}
    name = ""
    comment: list[str] = []
    for line in text.splitlines():
        m = _MESSAGE.match(line)
        if m:
            name = m.group(1)
            entry: dict = {"fields": {}}
            if any("+protobuf.nullable=true" in c for c in comment):
                entry["list"] = True  # ExtraValue, Verbs: a []string in Go and in JSON
            messages[f"{package}.{name}"] = entry
            comment = []
            continue
        if line.startswith("//"):
            comment.append(line)
            continue
        if not line.strip():
            continue
        comment = []
        if line.startswith("}"):
            name = ""
            continue
        if not name:
            continue
        go = structs.get(name, {})
        mm = _MAP.match(line)
        if mm:
            key, value, field, num = mm.groups()
            info = go.get(field, {})
            messages[f"{package}.{name}"]["fields"][num] = [
                info.get("json") or field, "map", key, _qualify(value, package), ""]
            continue
        fm = _FIELD.match(line)
        if not fm:
            continue
        label, ftype, field, num = fm.groups()
        info = go.get(field, {})
        flags = ("r" if label == "repeated" else "") + ("p" if info.get("pointer") else "") + \
            ("i" if info.get("inline") else "") + ("o" if info.get("omitempty") else "")
        jname = info.get("json") or ("" if info.get("inline") else field)
        messages[f"{package}.{name}"]["fields"][num] = [jname, _qualify(ftype, package), flags]
    return package, messages


def _qualify(ftype: str, package: str) -> str:
    if ftype in SCALARS:
        return ftype
    if ftype.startswith("."):
        return ftype[1:]
    return ftype if "." in ftype else f"{package}.{ftype}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--api", required=True, help="git directory of kubernetes/api")
    ap.add_argument("--apimachinery", required=True, help="git directory of kubernetes/apimachinery")
    ap.add_argument("--commit-api", default="HEAD")
    ap.add_argument("--commit-apimachinery", default="HEAD")
    args = ap.parse_args()
    api = Repo(args.api, args.commit_api)
    machinery = Repo(args.apimachinery, args.commit_apimachinery)
    messages: dict[str, dict] = {}
    kinds: dict[str, str] = {}
    for repo, pkgs in ((api, API_PACKAGES), (machinery, MACHINERY_PACKAGES)):
        for pkg in pkgs:
            structs: dict[str, dict[str, dict[str, object]]] = {}
            group = None
            for f in repo.go_files(pkg):
                src = repo.read(f)
                structs.update(go_fields(src))
                g = _KIND_GROUP.search(src)
                if g:
                    group = g.group(1)
            package, msgs = parse_proto(repo.read(f"{pkg}/generated.proto"), structs)
            messages.update(msgs)
            if repo is api and group is not None:
                version = pkg.rsplit("/", 1)[1]
                api_version = f"{group}/{version}" if group else version
                for full in msgs:
                    # a top-level kind: the Go struct embeds TypeMeta (no protobuf field: not in the table)
                    if "TypeMeta" in _embeds(repo, pkg, full.rsplit(".", 1)[1]):
                        kinds[f"{api_version}/{full.rsplit('.', 1)[1]}"] = full
    kinds["meta.k8s.io/v1/DeleteOptions"] = kinds["v1/DeleteOptions"] = EXTRA_ROOTS[0]
    roots = sorted(set(kinds.values()) | set(EXTRA_ROOTS))
    keep: set[str] = set()
    todo = list(roots)
    while todo:
        m = todo.pop()
        if m in keep or m not in messages:
            continue
        keep.add(m)
        for spec in messages[m]["fields"].values():
            todo += [t for t in spec[1:4] if isinstance(t, str) and t not in SCALARS and "." in t]
    doc = {
        "upstream": {"k8s.io/api": api.rev, "k8s.io/apimachinery": machinery.rev,
                     "made_by": "scripts/gen_proto_schema.py"},
        "kinds": {k: v for k, v in sorted(kinds.items()) if v in keep},
        "messages": {m: messages[m] for m in sorted(keep)},
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{OUT}: {len(doc['kinds'])} kinds, {len(keep)} messages")


_EMBED_CACHE: dict[tuple[str, str], dict[str, set[str]]] = {}


def _embeds(repo: Repo, pkg: str, struct: str) -> set[str]:
    """The types ``struct`` embeds (TypeMeta marks a top-level kind)."""
    key = (repo.gitdir, pkg)
    if key not in _EMBED_CACHE:
        table: dict[str, set[str]] = {}
        for f in repo.go_files(pkg):
            current: set[str] | None = None
            for line in repo.read(f).splitlines():
                m = _STRUCT.match(line)
                if m:
                    current = table.setdefault(m.group(1), set())
                elif line.startswith("}"):
                    current = None
                elif current is not None:
                    e = re.match(r"^\t(?:\w+\.)?(\w+)\s+`", line)
                    if e:
                        current.add(e.group(1))
        _EMBED_CACHE[key] = table
    return _EMBED_CACHE[key].get(struct, set())


if __name__ == "__main__":
    main()
