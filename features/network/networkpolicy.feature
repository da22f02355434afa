Feature: NetworkPolicy through the pod network
  A Namespace is the unit of isolation: once a NetworkPolicy selects a pod for
  ingress (or egress), only what some policy's rules allow gets through; the
  pod network drops the rest, so the client's connection times out. Calico
  (the default network) enforces policies; flannel only connects pods, so the
  same policies have no effect. The check applies to the final pod endpoint,
  after kube-proxy's DNAT, in every proxy mode.

  Background:
    Given a cluster with 2 nodes

  Scenario Outline: A default-deny namespace admits one client from another namespace (<mode>)
    Given the cluster uses the "<mode>" proxy
    When I apply the file "netpol.yaml"
    And the cluster settles
    Then a connection from pod "shop-client" in namespace "shop" to "api:80" reaches one of pods "api-1"
    When I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: default-deny
        namespace: shop
      spec:
        podSelector: {}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: api-from-frontend-web
        namespace: shop
      spec:
        podSelector:
          matchLabels:
            app: api
        ingress:
        - from:
          - namespaceSelector:
              matchLabels:
                team: frontend
            podSelector:
              matchLabels:
                role: web
          ports:
          - port: http
      """
    Then a connection from pod "web" in namespace "frontend" to "api.shop:80" reaches one of pods "api-1"
    And a connection from pod "batch" in namespace "frontend" to "api.shop:80" times out
    And a connection from pod "client" to "api.shop:80" times out
    And a connection from pod "shop-client" in namespace "shop" to "api:80" times out
    And a connection from pod "web" in namespace "frontend" to "api.shop:81" <unknown port>

    # a port the Service lacks: no iptables rule matches it, while ipvs holds the cluster IP locally and
    # nftables rejects it (cluster-ips-check: "Reject traffic to invalid ports of ClusterIPs")
    Examples:
      | mode     | unknown port |
      | iptables | times out    |
      | ipvs     | is refused   |
      | nftables | is refused   |

  Scenario: With flannel the same policies have no effect
    Given the cluster uses the "flannel" network
    When I apply the file "netpol.yaml"
    And I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: default-deny
        namespace: shop
      spec:
        podSelector: {}
        policyTypes: [Ingress, Egress]
      """
    And the cluster settles
    Then a connection from pod "batch" in namespace "frontend" to "api.shop:80" reaches one of pods "api-1"
    And a connection from pod "shop-client" in namespace "shop" to "api:80" reaches one of pods "api-1"

  Scenario: An egress default deny stops a pod's own connections and its DNS queries, not connections to it
    When I apply the file "netpol.yaml"
    And I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: deny-egress
        namespace: frontend
      spec:
        podSelector:
          matchLabels:
            role: batch
        policyTypes: [Egress]
      """
    And the cluster settles
    Then a connection from pod "batch" in namespace "frontend" to "api.shop:80" times out
    And a connection from pod "web" in namespace "frontend" to "api.shop:80" reaches one of pods "api-1"
    When I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-dns
        namespace: frontend
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
        - to:
          - namespaceSelector:
              matchLabels:
                kubernetes.io/metadata.name: kube-system
            podSelector:
              matchLabels:
                k8s-app: kube-dns
          ports:
          - protocol: UDP
            port: 53
      """
    # the name resolves now, but the connection to api-1 is still denied (and web is now isolated too)
    Then a connection from pod "batch" in namespace "frontend" to "api.shop:80" times out
    And a connection from pod "web" in namespace "frontend" to "api.shop:80" times out
    When I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-shop
        namespace: frontend
      spec:
        podSelector:
          matchLabels:
            role: batch
        egress:
        - to:
          - namespaceSelector:
              matchLabels:
                kubernetes.io/metadata.name: shop
          ports:
          - port: 8080
      """
    Then a connection from pod "batch" in namespace "frontend" to "api.shop:80" reaches one of pods "api-1"

  Scenario: An ipBlock admits a range of addresses except a hole, on the pod's port after DNAT
    # node-1's pods get addresses from 10.244.0.0/24, node-2's from 10.244.1.0/24
    When I apply the file "netpol.yaml"
    And the cluster settles
    And I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: api-from-block
        namespace: shop
      spec:
        podSelector:
          matchLabels:
            app: api
        ingress:
        - from:
          - ipBlock:
              cidr: 10.244.0.0/16
              except:
              - 10.244.0.0/24
          ports:
          - protocol: TCP
            port: 8000
            endPort: 9000
      """
    Then a connection from pod "web" in namespace "frontend" to "api.shop:80" reaches one of pods "api-1"
    And a connection from pod "client" to "api.shop:80" times out
