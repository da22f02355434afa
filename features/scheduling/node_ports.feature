Feature: Host ports

  Background:
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: proxy-1
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          ports: [{containerPort: 80, hostPort: 8080}]
      """

  Scenario: A taken host port keeps the second pod off the node
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: proxy-2
      spec:
        containers:
        - name: app
          image: nginx:1.25
          ports: [{containerPort: 80, hostPort: 8080}]
      """
    And the cluster settles
    Then pod "proxy-2" is not scheduled
    And pod "proxy-2" has event "FailedScheduling" with message "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
    And pod "proxy-2" was filtered out of node "node-1" by "NodePorts"

  Scenario: The same port on another protocol is free
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: dns
      spec:
        containers:
        - name: app
          image: coredns/coredns:1.11.1
          ports: [{containerPort: 53, hostPort: 8080, protocol: UDP}]
      """
    Then pod "dns" is scheduled to node "node-1"

  Scenario: Deleting the holder frees the port
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: proxy-2
      spec:
        containers:
        - name: app
          image: nginx:1.25
          ports: [{containerPort: 80, hostPort: 8080}]
      """
    And the cluster settles
    And I delete pod "proxy-1"
    Then within 1m pod "proxy-2" is scheduled to node "node-1"
