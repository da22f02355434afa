Feature: Zone disruption: the node controller stops evicting when too many nodes are down

  The node lifecycle controller sorts nodes into zones (topology.kubernetes.io/zone; all nodes without the
  label share one zone) and rates each: more than two and at least 55% of the nodes not ready is a partial
  disruption, none ready a full one. A cluster of at most 50 nodes stops adding NoExecute taints to a
  partially disrupted zone, and with every zone fully disrupted no node is tainted NoExecute at all: a
  network split that hides most nodes does not evict their pods.

  Scenario: A small cluster whose zone is mostly down stops evicting (partial disruption)
    Given a cluster with 5 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        nodeName: node-3
        containers:
        - name: app
          image: nginx:1.25
      """
    And node "node-1" stops responding
    And node "node-2" stops responding
    And node "node-3" stops responding
    And I wait 7m
    Then kubectl get nodes shows:
      | NAME   | STATUS   |
      | node-3 | NotReady |
      | node-4 | Ready    |
    And pod "db" exists
    And pod "db" has no event "TaintManagerEviction"
