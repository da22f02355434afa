Feature: First-fit and the default scheduler run the same pods on different nodes
  Run it against both schedulers:

    pytest plugins/kspec-first-fit/features/compared_with_default.feature \
      --kspec-compare scheduler=default-scheduler,first-fit

  Both runs pass: every pod finds a node with room. The comparison shows where
  they part: first-fit puts the first pod on node-a, the first node in name
  order with room; the default scheduler scores the three empty nodes equal
  and breaks the tie with its seeded random draw (node-c with seed 0), then
  spreads the others (NodeResourcesFit's LeastAllocated).
  No scenario here names a scheduler: a "Given the cluster uses" step would
  win over --kspec-compare and both runs would be the same.

  Background:
    Given a cluster with nodes:
      | name   | cpu | memory |
      | node-a | 2   | 4Gi    |
      | node-b | 2   | 4Gi    |
      | node-c | 2   | 4Gi    |

  Scenario: three one-cpu pods all run, wherever each scheduler puts them
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: one}
      spec:
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1"}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: two}
      spec:
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1"}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: three}
      spec:
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1"}}}]
      """
    Then within 30s pod "one" is Running
    And pod "two" is Running
    And pod "three" is Running

  Scenario: a Deployment's replicas all become ready under both schedulers
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 4
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: 500m}}}]
      """
    Then within 1m deployment "web" has 4 ready replicas
