Feature: DNS records CoreDNS serves for Services
  CoreDNS answers from the cluster's Services and Endpoints with the names of
  the Kubernetes DNS specification (schema 1.1.0), as kubeadm configures it.

  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        clusterIP: 10.96.0.20
        selector:
          app: web
        ports:
        - name: http
          port: 80
        - name: metrics
          port: 9090
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: plain
      spec:
        clusterIP: 10.96.0.21
        selector:
          app: plain
        ports:
        - port: 8080
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: docs
      spec:
        type: ExternalName
        externalName: example.com
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: alias
      spec:
        type: ExternalName
        externalName: web.default.svc.cluster.local
      """

  Scenario: A ClusterIP Service has an A record, SRV records for its named ports and a PTR record
    Then the DNS A records of "web.default.svc.cluster.local" are "10.96.0.20"
    And the DNS AAAA records of "web.default.svc.cluster.local" are "none"
    And the DNS SRV records of "_http._tcp.web.default.svc.cluster.local" are "0 100 80 web.default.svc.cluster.local."
    And the DNS SRV records of "_https._tcp.web.default.svc.cluster.local" are "none"
    And the DNS SRV records of "_http._tcp.nope.default.svc.cluster.local" are "none"
    And the DNS PTR records of "20.0.96.10.in-addr.arpa" are "web.default.svc.cluster.local."
    And the DNS A records of "kubernetes.default.svc.cluster.local" are "10.96.0.1"
    And the DNS A records of "kube-dns.kube-system.svc.cluster.local" are "10.96.0.10"

  Scenario: A plain SRV query lists every port, unnamed ones too; weights share 100
    Then the DNS SRV records of "web.default.svc.cluster.local" are "0 50 80 web.default.svc.cluster.local., 0 50 9090 web.default.svc.cluster.local."
    And the DNS SRV records of "plain.default.svc.cluster.local" are "0 100 8080 plain.default.svc.cluster.local."
    And the DNS SRV records of "_8080._tcp.plain.default.svc.cluster.local" are "none"

  Scenario: ExternalName Services are CNAMEs
    Then the DNS CNAME records of "docs.default.svc.cluster.local" are "example.com."
    And the DNS A records of "docs.default.svc.cluster.local" are "none"
    And the DNS CNAME records of "alias.default.svc.cluster.local" are "web.default.svc.cluster.local."
    And the DNS A records of "alias.default.svc.cluster.local" are "10.96.0.20"
    And the DNS SRV records of "docs.default.svc.cluster.local" are "none"

  Scenario: An ExternalName Service has no port or protocol names under it
    Then the DNS CNAME records of "_http._tcp.docs.default.svc.cluster.local" are "none"
    And the DNS CNAME records of "_http._tcp.alias.default.svc.cluster.local" are "none"
    And the DNS A records of "_http._tcp.alias.default.svc.cluster.local" are "none"
    And the DNS A records of "any.two.alias.default.svc.cluster.local" are "none"
    And the DNS CNAME records of "alias.default.svc.cluster.local" are "web.default.svc.cluster.local."

  Scenario: Pod records and names that do not exist
    Then the DNS A records of "10-244-1-7.default.pod.cluster.local" are "10.244.1.7"
    And the DNS A records of "web.nowhere.svc.cluster.local" are "none"
    And the DNS TXT records of "web.default.svc.cluster.local" are "none"
