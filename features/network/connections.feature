Feature: Connections through the service proxy
  kube-proxy sends a connection to a Service's cluster IP or node port on to
  one of its ready endpoints. A Service with no endpoints refuses a connection
  (REJECT "has no endpoints"); a port the Service does not have matches no
  rule at all in iptables mode, so the packet goes unanswered and times out,
  while the IPVS and nftables modes own the whole cluster IP and refuse it.

  Scenario Outline: <mode> mode: a connection to the Service reaches one of its pods
    Given a cluster with 2 nodes
    And the cluster uses the "<mode>" proxy
    When I apply the file "web.yaml"
    And the cluster settles
    Then a connection from pod "client" to "web:80" reaches one of pods "web-1, web-2"
    And a connection from pod "client" to "10.96.0.20:80" reaches one of pods "web-1, web-2"
    And a connection from pod "client" to "web:81" <other port>

    Examples:
      | mode     | other port |
      | iptables | times out  |
      | ipvs     | is refused |
      | nftables | is refused |

  Scenario Outline: <mode> mode: a Service without endpoints refuses connections
    Given a cluster with 2 nodes
    And the cluster uses the "<mode>" proxy
    When I apply the file "web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: empty
      spec:
        selector:
          app: nothing
        ports:
        - port: 80
      """
    And the cluster settles
    Then the endpoints of service "empty" are pods "none"
    And a connection from pod "client" to "empty:80" is refused

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |

  Scenario Outline: <mode> mode: a NodePort Service answers on every node
    Given a cluster with 2 nodes
    And the cluster uses the "<mode>" proxy
    When I apply the file "web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web-np
      spec:
        type: NodePort
        selector:
          app: web
        ports:
        - port: 80
          targetPort: 8080
          nodePort: 30080
      """
    And the cluster settles
    Then service "web-np" has a node port in range 30000-32767
    And a connection from pod "client" to "node-1:30080" reaches one of pods "web-1, web-2"
    And a connection from pod "client" to "node-2:30080" reaches one of pods "web-1, web-2"
    And a connection from pod "client" to "node-2:30081" is refused

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |
