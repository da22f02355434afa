"""etcd-io/raft's datadriven interaction traces (``testdata/*.txt``) that kspec's model can run.

Each trace is one case, as upstream's TestInteraction names its sub-tests.
Transcribed per directive: the role changes upstream logs (checked in order,
where the log level shows them), ``raft-state`` and ``raft-log`` outputs.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.etcd.interaction import Env

SOURCE = "etcd-io/raft interaction_test.go"

CAMPAIGN = [
    ('log-level info', {}),
    ('add-nodes 3 voters=(1,2,3) index=2', {'ev': ['1 became follower at term 0', '2 became follower at term 0',
                                                    '3 became follower at term 0']}),
    ('campaign 1', {'ev': ['1 became candidate at term 1']}),
    ('stabilize', {'ev': ['2 became follower at term 1', '3 became follower at term 1', '1 became leader at term 1']}),
]

SINGLE_NODE = [
    ('log-level info', {}),
    ('add-nodes 1 voters=(1) index=3', {'ev': ['1 became follower at term 0']}),
    ('campaign 1', {'ev': ['1 became candidate at term 1']}),
    ('stabilize', {'ev': ['1 became leader at term 1']}),
]

PREVOTE = [
    ('log-level none', {}),
    ('add-nodes 3 voters=(1,2,3) index=10 prevote=true', {}),
    ('campaign 1', {}),
    ('stabilize', {}),
    ('log-level debug', {}),
    ('propose 1 prop_1', {}),
    ('process-ready 1', {}),
    ('deliver-msgs 2', {}),
    ('process-ready 2', {}),
    ('raft-log 3', {'log': ['1/11 EntryNormal ""']}),
    ('campaign 3', {'ev': ['3 became pre-candidate at term 1']}),
    ('process-ready 3', {}),
    ('deliver-msgs 1 2', {}),
    ('stabilize', {'ev': ['3 became follower at term 1']}),
    ('campaign 2', {'ev': ['2 became pre-candidate at term 1']}),
    ('stabilize', {'ev': ['2 became candidate at term 2', '1 became follower at term 2', '3 became follower at term 2',
                          '2 became leader at term 2']}),
]

CHECKQUORUM = [
    ('log-level none', {}),
    ('add-nodes 3 voters=(1,2,3) index=10 checkquorum=true', {}),
    ('campaign 1', {}),
    ('stabilize', {}),
    ('log-level debug', {}),
    ('campaign 2', {'ev': ['2 became candidate at term 2']}),
    ('stabilize', {}),
    ('tick-election 1', {}),
    ('tick-election 1', {'ev': ['1 stepped down to follower since quorum is not active',
                                '1 became follower at term 1']}),
    ('stabilize', {'ev': ['1 became follower at term 2']}),
    ('campaign 2', {'ev': ['2 became candidate at term 3']}),
    ('process-ready 2', {}),
    ('deliver-msgs 1', {'ev': ['1 became follower at term 3']}),
    ('deliver-msgs 3', {}),
    ('stabilize', {'ev': ['2 became leader at term 3', '3 became follower at term 3']}),
]

PREVOTE_CHECKQUORUM = [
    ('log-level none', {}),
    ('add-nodes 3 voters=(1,2,3) index=10 prevote=true checkquorum=true', {}),
    ('campaign 1', {}),
    ('stabilize', {}),
    ('log-level debug', {}),
    ('campaign 2', {'ev': ['2 became pre-candidate at term 1']}),
    ('stabilize', {}),
    ('set-randomized-election-timeout 2 timeout=5', {}),
    ('tick-election 2', {}),
    ('campaign 3', {'ev': ['3 became pre-candidate at term 1']}),
    ('process-ready 3', {}),
    ('deliver-msgs 2', {}),
    ('process-ready 2', {}),
    ('stabilize', {'ev': ['3 became candidate at term 2', '2 became follower at term 2', '3 became leader at term 2',
                          '1 became follower at term 2']}),
    ('campaign 1', {'ev': ['1 became pre-candidate at term 2']}),
    ('stabilize', {}),
    ('campaign 2', {'ev': ['2 became pre-candidate at term 2']}),
    ('stabilize', {'ev': ['2 became candidate at term 3', '1 became follower at term 3', '2 became leader at term 3',
                          '3 became follower at term 3']}),
]

FORGET = "ForgetLeader (forget-leader) is not modelled"
PROBE = "Progress probe/replicate states, inflight limits and report-unreachable (status) are not modelled"
TRACES = [
    case("TestInteraction", "campaign.txt", trace=CAMPAIGN),
    case("TestInteraction", "single_node.txt", trace=SINGLE_NODE),
    case("TestInteraction", "prevote.txt", trace=PREVOTE),
    case("TestInteraction", "checkquorum.txt", trace=CHECKQUORUM),
    case("TestInteraction", "prevote_checkquorum.txt", trace=PREVOTE_CHECKQUORUM),
    case("TestInteraction", "forget_leader_prevote_checkquorum.txt", trace=None, unmodelled=FORGET),
    case("TestInteraction", "lagging_commit.txt", trace=None, unmodelled=PROBE),
    case("TestInteraction", "heartbeat_resp_recovers_from_probing.txt", trace=None, unmodelled=PROBE),
]


@pytest.mark.parametrize("tc", TRACES)
def test_interaction(tc: dict[str, Any]) -> None:
    assert tc["trace"] is not None, "not transcribed: the trace needs what kspec does not model"
    Env().run(tc["trace"])
