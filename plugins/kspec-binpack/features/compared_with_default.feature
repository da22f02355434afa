Feature: Binpack and the default scheduler run the same pods on different nodes
  Run it against both schedulers:

    pytest plugins/kspec-binpack/features/compared_with_default.feature \
      --kspec-compare scheduler=default-scheduler,binpack

  Both runs pass: every pod finds a node. The comparison shows where they
  part: binpack's MostAllocated score puts the second pod next to the first
  one on node-2, the default scheduler's LeastAllocated score on an empty node.
  No scenario here names a scheduler: a "Given the cluster uses" step would
  win over --kspec-compare and both runs would be the same.

  Background:
    Given a cluster with nodes:
      | name   | cpu | memory |
      | node-1 | 4   | 8Gi    |
      | node-2 | 4   | 8Gi    |
      | node-3 | 4   | 8Gi    |

  Scenario: pods next to a running one all run, packed or spread
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: first}
      spec:
        nodeName: node-2
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1", memory: 1Gi}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: second}
      spec:
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1", memory: 1Gi}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: third}
      spec:
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1", memory: 1Gi}}}]
      """
    Then within 30s pod "second" is Running
    And pod "third" is Running
