Feature: Traffic policies, session affinity and external IPs
  externalTrafficPolicy: Local keeps a connection on the node it arrives at:
  the pod sees the client's own address, and a node without a local endpoint
  drops it (iptables: DROP "has no local endpoints"; nftables: a drop in the
  no-endpoint-services map) or refuses it (IPVS: a virtual server without
  real servers answers ICMP port unreachable). The
  load balancer learns which nodes to use from kube-proxy's health check on
  the Service's healthCheckNodePort. externalTrafficPolicy: Cluster spreads
  connections over every pod but masquerades them, so the pod sees a node's
  address. internalTrafficPolicy: Local does for pods what the external
  policy does for outside clients; sessionAffinity: ClientIP pins a client.

  Background:
    Given a cluster with 3 nodes

  Scenario Outline: <mode> mode: externalTrafficPolicy Local drops traffic on nodes without local endpoints and keeps the client address
    Given the cluster uses the "<mode>" proxy
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: LoadBalancer
        externalTrafficPolicy: Local
        clusterIP: 10.96.0.30
        selector:
          app: web
        ports:
        - name: http
          port: 80
          targetPort: 8080
          nodePort: 30080
      """
    And the cluster settles
    Then a connection from outside to "node-1:30080" reaches one of pods "web-1" with the client's address
    And a connection from outside address "198.51.100.7" to "node-2:30080" reaches one of pods "web-2" with the client's address
    And a connection from outside to "node-3:30080" <node-3>
    And the health check of service "web" on node "node-1" answers 200
    And the health check of service "web" on node "node-3" answers 503
    And 30 connections from outside to "172.18.255.200:80" reach every one of pods "web-1, web-2"
    And a connection from outside to "172.18.255.200:80" reaches one of pods "web-1, web-2" with the client's address

    Examples:
      | mode     | node-3      |
      | iptables | times out   |
      | ipvs     | is refused  |
      | nftables | times out   |

  Scenario Outline: <mode> mode: externalTrafficPolicy Cluster reaches every pod from any node, masqueraded
    Given the cluster uses the "<mode>" proxy
    When I apply the file "lb-web.yaml"
    And the cluster settles
    Then 30 connections from outside to "node-3:30080" reach every one of pods "web-1, web-2"
    And a connection from outside to "node-3:30080" reaches one of pods "web-1, web-2" with a node's address
    And a connection from outside to "172.18.255.200:80" reaches one of pods "web-1, web-2" with a node's address

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |

  Scenario Outline: <mode> mode: the load balancer stops using a node once its last local endpoint goes
    Given the cluster uses the "<mode>" proxy
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: LoadBalancer
        externalTrafficPolicy: Local
        clusterIP: 10.96.0.30
        selector:
          app: web
        ports:
        - name: http
          port: 80
          targetPort: 8080
          nodePort: 30080
      """
    And the cluster settles
    And I delete pod "web-2"
    And the cluster settles
    Then the health check of service "web" on node "node-2" answers 503
    And 20 connections from outside to "172.18.255.200:80" reach every one of pods "web-1"

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |

  Scenario Outline: <mode> mode: internalTrafficPolicy Local keeps pods on their own node
    Given the cluster uses the "<mode>" proxy
    When I apply the file "web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: local
      spec:
        internalTrafficPolicy: Local
        selector:
          app: web
        ports:
        - port: 80
          targetPort: 8080
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: client-3
      spec:
        nodeName: node-3
        containers:
        - name: curl
          image: curlimages/curl
      """
    And the cluster settles
    Then 20 connections from pod "client" to "local:80" reach every one of pods "web-1"
    And a connection from pod "client-3" to "local:80" <client-3>

    Examples:
      | mode     | client-3   |
      | iptables | times out  |
      | ipvs     | is refused |
      | nftables | times out  |

  Scenario Outline: <mode> mode: sessionAffinity ClientIP pins an outside client for its timeout
    Given the cluster uses the "<mode>" proxy
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: NodePort
        clusterIP: 10.96.0.30
        sessionAffinity: ClientIP
        sessionAffinityConfig:
          clientIP:
            timeoutSeconds: 60
        selector:
          app: web
        ports:
        - name: http
          port: 80
          targetPort: 8080
          nodePort: 30080
      """
    And the cluster settles
    Then 20 connections from outside to "node-1:30080" reach every one of pods "<first>"

    Examples:
      | mode     | first |
      | iptables | web-2 |
      | ipvs     | web-1 |
      | nftables | web-2 |

  Scenario Outline: <mode> mode: an external IP routed to the nodes reaches the Service
    Given the cluster uses the "<mode>" proxy
    When I apply the file "web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: ext
      spec:
        externalIPs:
        - 198.51.100.50
        selector:
          app: web
        ports:
        - port: 80
          targetPort: 8080
      """
    And the cluster settles
    Then 30 connections from outside to "198.51.100.50:80" reach every one of pods "web-1, web-2"
    And a connection from outside to "198.51.100.50:81" <other-port>
    And a connection from pod "client" to "198.51.100.50:80" reaches one of pods "web-1, web-2"

    Examples:
      | mode     | other-port |
      | iptables | times out  |
      | ipvs     | is refused |
      | nftables | times out  |

  Scenario: IPVS persistence holds a client for the affinity timeout, then lets it go
    Given the cluster uses the "ipvs" proxy
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: NodePort
        clusterIP: 10.96.0.30
        sessionAffinity: ClientIP
        sessionAffinityConfig:
          clientIP:
            timeoutSeconds: 60
        selector:
          app: web
        ports:
        - name: http
          port: 80
          targetPort: 8080
          nodePort: 30080
      """
    And the cluster settles
    Then 10 connections from outside to "node-1:30080" reach every one of pods "web-1"
    When I wait 30s
    Then 10 connections from outside to "node-1:30080" reach every one of pods "web-1"
    When I wait 61s
    Then 10 connections from outside to "node-1:30080" reach every one of pods "web-2"

  Scenario: In IPVS mode a Local load-balancer IP has only the node's own pods as real servers
    Given the cluster uses the "ipvs" proxy
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: LoadBalancer
        externalTrafficPolicy: Local
        clusterIP: 10.96.0.30
        selector:
          app: web
        ports:
        - name: http
          port: 80
          targetPort: 8080
          nodePort: 30080
      """
    And the cluster settles
    Then the ipvs rules of node "node-1" include:
      """
      TCP  172.18.255.200:80 rr
        -> 10.244.0.2:8080              Masq    1      0          0
      TCP  172.18.0.2:30080 rr
      """
    And the ipvs rules of node "node-3" include:
      """
      TCP  172.18.255.200:80 rr
      TCP  172.18.0.4:30080 rr
      """
