"""The failure dump: short by default (what the failing step names), full or none on request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kspec.cluster import Cluster
from kspec.dump import dump, filter_rules, focus_of

WEB = (Path(__file__).resolve().parents[1] / "features" / "network" / "web.yaml").read_text()
STEP = 'a connection from pod "client" to "web:80" is refused'


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(nodes=3, seed=0)
    c.apply(WEB)
    c.settle()
    return c


def test_focus_is_what_the_step_names() -> None:
    focus = focus_of('a connection from pod "client" in namespace "shop" to "web:80" reaches one of pods "a, b"')
    assert focus.objects == {("pod", "shop", "client"), ("pod", "shop", "a"), ("pod", "shop", "b"),
                             ("service", "shop", "web")}
    assert focus.client == ("shop", "client") and focus.target == ("web", 80)
    workload = focus_of('deployment "web" has 3 ready replicas')
    assert workload.concerns("Pod", "default", "web-5d8f-x2x4q") and not workload.concerns("Pod", "default", "db-0")
    assert focus_of('pods "deployment/web, other/db"').objects == {("deployment", "default", "web"),
                                                                 ("pod", "other", "db")}


def test_short_dump_shows_the_clients_node_rules_for_the_named_service_only(cluster: Cluster) -> None:
    text = dump(cluster, step=STEP)
    assert "on node node-1 (the client's node), the rules for service default/web" in text
    assert "--comment \"default/web:http cluster IP\"" in text
    assert "on node node-2" not in text and "*filter" not in text and "kube-dns" not in text
    assert "default/kubernetes:https" not in text
    assert len(text.splitlines()) < 60, text


def test_short_dump_shows_only_the_named_objects_events(cluster: Cluster) -> None:
    text = dump(cluster, step=STEP)
    assert "events about pod/client, service/web" in text
    assert "Pulling   pod/client" not in text, "a running pod's routine events are noise"
    # 15: with each node's RegisteredNode (node lifecycle controller), routine too
    assert "none but routine ones (15 hidden; --kspec-dump=full shows everything)" in text


def test_a_waiting_pods_pull_events_are_kept() -> None:
    c = Cluster(nodes=1, seed=0)
    c.describe_image("huge", pull_ms=600_000)
    c.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: slow}\nspec:\n  containers: [{name: c, image: huge}]\n")
    c.run_for("5s")
    text = dump(c, step='pod "slow" is ready')
    assert re.search(r"Pulling +pod/slow +Pulling image \"huge\"", text), text


def test_a_named_workloads_scaling_events_are_kept() -> None:
    c = Cluster(nodes=1, seed=0)
    c.apply("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n"
            "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
            "    spec: {containers: [{name: app, image: nginx}]}\n")
    c.settle()
    text = dump(c, step='deployment "web" has 5 ready replicas')
    assert re.search(r"ScalingReplicaSet +deployment/web +Scaled up replica set web-", text), text
    assert "SuccessfulCreate" not in text, "the ReplicaSet is not named: its routine events stay hidden"


def test_full_dump_shows_every_node_and_event(cluster: Cluster) -> None:
    text = dump(cluster, step=STEP, mode="full")
    for node in ("node-1", "node-2", "node-3"):
        assert f"# kube-proxy (iptables) on node {node}" in text
    assert re.search(r"Pulling +pod/web-1 ", text), text
    assert "RegisteredNode   node/node-3" in text
    assert len(text.splitlines()) > 200


def test_none_dump_is_empty(cluster: Cluster) -> None:
    assert dump(cluster, step=STEP, mode="none") == ""


def test_a_step_naming_nothing_hides_the_kubelets_routine_events(cluster: Cluster) -> None:
    text = dump(cluster, step="the cluster settles")
    assert "Pulling" not in text and "Started" not in text


def test_filter_rules_keeps_ipvs_real_servers_under_their_service() -> None:
    ipvs = ("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n"
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
            "TCP  10.96.0.1:443 rr\n  -> 172.18.0.1:6443             Masq    1      0          0\n"
            "TCP  10.96.0.20:80 rr\n  -> 10.244.0.2:8080             Masq    1      0          0\n"
            "TCP  10.96.0.201:80 rr\n  -> 10.244.9.9:8080             Masq    1      0          0\n")
    assert filter_rules(ipvs, ["default/web"], ["10.96.0.20"]) == [
        "TCP  10.96.0.20:80 rr", "  -> 10.244.0.2:8080             Masq    1      0          0"]


def test_filter_rules_finds_a_service_in_nftables_chain_names() -> None:
    nft = ("\tchain service-SUSTUHLJ-default/web/tcp/http {\n"
           "\t\tnumgen random mod 1 vmap { 0 : goto endpoint-CFQGW5QF-default/web/tcp/http__10.244.0.2/8080 }\n"
           "\t}\n\tchain service-ABCDEFGH-default/web2/tcp/http {\n\t}\n"
           "\tchain service-ABCDEFGH-x-default/web/tcp/http {\n\t}\n")
    assert filter_rules(nft, ["default/web"], []) == [
        "\tchain service-SUSTUHLJ-default/web/tcp/http {",
        "\t\tnumgen random mod 1 vmap { 0 : goto endpoint-CFQGW5QF-default/web/tcp/http__10.244.0.2/8080 }"]


def test_connections_that_fail_read_naturally() -> None:
    c = Cluster(nodes=1, seed=0)
    c.apply(WEB.replace("app: web\nspec:\n  nodeName: node-1", "app: gone\nspec:\n  nodeName: node-1"))
    c.apply("apiVersion: v1\nkind: Service\nmetadata: {name: empty}\nspec:\n  selector: {app: nothing}\n"
            "  ports: [{port: 80, targetPort: 8080}]\n")
    c.settle()
    with pytest.raises(AssertionError) as info:
        c.expect.connections_spread(4, "client", "empty:80", "web-1")
    message = str(info.value)
    assert message == ('of 4 connections from pod "client" to "empty:80", 4 were refused; '
                       "expected them to reach every one of pods web-1")
    assert "(refused)" not in message


FAILING = '''Feature: conn
  Scenario: a connection that is not refused
    Given a cluster with 3 nodes
    When I apply the file "web.yaml"
    And the cluster settles
    Then a connection from pod "client" to "web:80" is refused
'''


def _run(pytester: pytest.Pytester, *args: str) -> str:
    pytester.makefile(".feature", conn=FAILING)
    (pytester.path / "web.yaml").write_text(WEB)
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    result.assert_outcomes(failed=1)
    return result.stdout.str()


def test_the_default_report_is_short(pytester: pytest.Pytester) -> None:
    out = _run(pytester)
    assert "reached pod web-" in out and "the client's node" in out
    assert "on node node-2" not in out


def test_dump_option_and_ini_key(pytester: pytest.Pytester) -> None:
    assert "cluster state" not in _run(pytester, "--kspec-dump=none")
    pytester.makeini("[pytest]\nkspec_dump = full\n")
    assert "# kube-proxy (iptables) on node node-3" in _run(pytester)
