"""Upstream's datadriven interaction environment (``rafttest``), reduced to the directives kspec's model can run.

Each node's outgoing messages wait in its Ready (``TestNode.msgs``) until
``process-ready`` hands them to the environment; ``deliver-msgs`` steps the
waiting messages addressed to a node. Nodes start as ``add-nodes`` leaves them:
a snapshot at ``index`` (term 1) that is already committed, term 0, election
timeout 3 ticks and heartbeat 1 (the environment's config).
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from kspec.etcd.raft import Message
from tests.upstream.etcd.raft_adapter import TestNode, entries, ids_by_size

ELECTION, HEARTBEAT = 3, 1


def _ids(args: list[str]) -> list[str]:
    return [a for a in args if "=" not in a]


def _kv(args: list[str]) -> dict[str, str]:
    return dict(a.split("=", 1) for a in args if "=" in a)


class Env:
    def __init__(self) -> None:
        self.nodes: dict[str, TestNode] = {}
        self.queue: list[Message] = []
        self.snapshot = 0
        #: every node's role changes, in the order they happened
        self.journal: list[str] = []

    def run(self, trace: list[tuple[str, dict[str, Any]]]) -> None:
        """Play the directives; check raft-state and raft-log where upstream shows them, and, at the end, the
        role changes logged while the log level showed them, in order."""
        level, want, got = "info", [], []
        for line, out in trace:
            cmd, *args = shlex.split(line)
            kv = _kv(args)
            shown = kv.get("log-level", level) in ("info", "debug")
            mark = len(self.journal)
            if cmd == "log-level":
                level = args[0]
                continue
            getattr(self, cmd.replace("-", "_"))(_ids(args), kv)
            if shown:
                want += out.get("ev", [])
                got += self.journal[mark:]
            if "st" in out:
                assert self.raft_state_lines() == out["st"], line
            if "log" in out:
                assert self.raft_log_lines(_ids(args)[0]) == out["log"], line
        assert got == want

    # -- directives ----------------------------------------------------------------------------
    def add_nodes(self, args: list[str], kv: dict[str, str]) -> None:
        n = int(args[0])
        self.snapshot = int(kv.get("index", "0"))
        ids = ids_by_size(n)
        assert kv.get("voters", "").strip("()").split(",") == ids, "only all-voter configurations are modelled"
        for i in ids:
            node = TestNode(i, ids, ELECTION, HEARTBEAT, ents=entries([1] * self.snapshot), commit=self.snapshot,
                            pre_vote=kv.get("prevote") == "true", check_quorum=kv.get("checkquorum") == "true",
                            seed=int(i), journal=self.journal)
            self.nodes[i] = node

    def campaign(self, args: list[str], kv: dict[str, str]) -> None:
        self.nodes[args[0]].hup()

    def propose(self, args: list[str], kv: dict[str, str]) -> None:
        self.nodes[args[0]].prop(args[1])

    def process_ready(self, args: list[str], kv: dict[str, str]) -> None:
        for i in args:
            self.queue += self.nodes[i].read_messages()

    def deliver_msgs(self, args: list[str], kv: dict[str, str]) -> None:
        targets = args or [x for x in re.split(r"[(),]", kv.get("drop", "")) if x]
        for i in targets:
            mine = [m for m in self.queue if m.to == i]
            self.queue = [m for m in self.queue if m.to != i]
            if "drop" not in kv:
                for m in mine:
                    self.nodes[i].step(m)

    def stabilize(self, args: list[str], kv: dict[str, str]) -> None:
        ids = args or list(self.nodes)
        while True:
            done = True
            for i in ids:
                if self.nodes[i].msgs:
                    done = False
                    self.process_ready([i], {})
            for i in ids:
                if any(m.to == i for m in self.queue):
                    done = False
                    self.deliver_msgs([i], {})
            if done:
                return

    def tick_election(self, args: list[str], kv: dict[str, str]) -> None:
        for _ in range(ELECTION):
            self.nodes[args[0]].tick()

    def tick_heartbeat(self, args: list[str], kv: dict[str, str]) -> None:
        for _ in range(HEARTBEAT):
            self.nodes[args[0]].tick()

    def set_randomized_election_timeout(self, args: list[str], kv: dict[str, str]) -> None:
        self.nodes[args[0]].randomized_election_timeout = int(kv["timeout"])

    def raft_state(self, args: list[str], kv: dict[str, str]) -> None:
        pass

    def raft_log(self, args: list[str], kv: dict[str, str]) -> None:
        pass

    # -- output ----------------------------------------------------------------------------------
    def raft_state_lines(self) -> list[str]:
        return [f"{i}: {n.state.value} (Voter) Term:{n.term} Lead:{n.lead or 0}" for i, n in self.nodes.items()]

    def raft_log_lines(self, i: str) -> list[str]:
        out = []
        for e in self.nodes[i].log[self.snapshot + 1:]:
            data = "" if e.data is None else e.data()
            out.append(f'{e.term}/{e.index} EntryNormal "{data}"')
        return out
