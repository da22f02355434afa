Feature: Spreading connections over every endpoint
  iptables mode picks an endpoint at random (statistic probabilities 1/n,
  1/(n-1), ...), nftables mode with one "numgen random mod n" verdict map;
  IPVS mode hands connections out round robin. Either way 30
  connections reach every ready pod; ClientIP affinity pins a client to one.

  Scenario Outline: <mode> mode spreads connections over every pod
    Given a cluster with 2 nodes
    And the cluster uses the "<mode>" proxy
    When I apply the file "web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-3
        labels:
          app: web
      spec:
        nodeName: node-2
        containers:
        - name: app
          image: nginx
          ports:
          - containerPort: 8080
      """
    And the cluster settles
    Then the endpoints of service "web" are pods "web-1, web-2, web-3"
    And 30 connections from pod "client" to "web:80" reach every one of pods "web-1, web-2, web-3"

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |

  Scenario: IPVS persistence keeps a client on one pod with ClientIP affinity
    Given a cluster with 2 nodes
    And the cluster uses the "ipvs" proxy
    When I apply the file "web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: sticky
      spec:
        sessionAffinity: ClientIP
        selector:
          app: web
        ports:
        - port: 80
          targetPort: 8080
      """
    And the cluster settles
    Then 30 connections from pod "client" to "sticky:80" reach every one of pods "web-1"
