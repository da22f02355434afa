from kspec.kubelet.dns_config import resolv_conf
from kspec.kubelet.envvars import expand, service_env


def test_docker_link_variables() -> None:
    svc = {"metadata": {"name": "redis-primary"},
           "spec": {"clusterIP": "10.0.0.11", "ports": [{"name": "redis", "port": 6379, "protocol": "TCP"}]}}
    env = service_env([svc])
    assert env["REDIS_PRIMARY_SERVICE_HOST"] == "10.0.0.11"
    assert env["REDIS_PRIMARY_SERVICE_PORT_REDIS"] == "6379"
    assert env["REDIS_PRIMARY_PORT"] == "tcp://10.0.0.11:6379"
    assert env["REDIS_PRIMARY_PORT_6379_TCP_ADDR"] == "10.0.0.11"
    assert service_env([{"metadata": {"name": "h"}, "spec": {"clusterIP": "None", "ports": [{"port": 1}]}}]) == {}


def test_expansion() -> None:
    assert expand("$(A)-$(B)-$$(A)", {"A": "1"}.get) == "1-$(B)-$(A)"


def test_resolv_conf_policies() -> None:
    base = {"metadata": {"namespace": "shop"}, "spec": {}}
    assert resolv_conf(base) == ("nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local "
                                 "cluster.local\noptions ndots:5\n")
    none = {"metadata": {"namespace": "x"}, "spec": {"dnsPolicy": "None", "dnsConfig": {
        "nameservers": ["1.1.1.1"], "searches": ["a.b"], "options": [{"name": "ndots", "value": "2"}]}}}
    assert resolv_conf(none) == "nameserver 1.1.1.1\nsearch a.b\noptions ndots:2\n"


def test_a_new_clusters_first_container_start_reuses_the_variables_of_its_templates_services(monkeypatch) -> None:
    """A new cluster's Services are its template's objects: the variables built from them for an earlier cluster
    serve its first container start; another namespace's, or changed Services, are built again."""
    import pytest

    from kspec import Cluster, templates
    from kspec.kubelet import envvars

    if not templates.ENABLED:
        pytest.skip("KSPEC_EAGER: every cluster builds its own Services")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "app", "image": "nginx"}]}}
    Cluster(nodes=1)  # the template's first cluster keeps the objects it built; the next ones share the template's
    first = Cluster(nodes=1)
    first.apply(pod)
    first.settle()
    builds: list[int] = []
    real = envvars.service_env
    monkeypatch.setattr(envvars, "service_env", lambda services: builds.append(1) or real(services))
    c = Cluster(nodes=1)
    c.apply(pod)
    c.settle()
    assert builds == []
    assert c.pod_environment("p") == first.pod_environment("p")
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    c.apply({**pod, "metadata": {"name": "p", "namespace": "other"}})
    c.settle()
    assert len(builds) == 1  # another namespace: its own variables
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
             "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    c.apply({**pod, "metadata": {"name": "q"}})
    c.settle()
    assert len(builds) == 2 and c.pod_environment("q")["WEB_SERVICE_PORT"] == "80"
