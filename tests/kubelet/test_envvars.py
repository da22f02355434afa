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
