Feature: The binpack scheduler fills nodes before using new ones

  Background:
    Given a cluster with nodes:
      | name   | cpu | memory |
      | node-1 | 4   | 8Gi    |
      | node-2 | 4   | 8Gi    |
      | node-3 | 4   | 8Gi    |

  Scenario: Pods pile onto the node already in use
    Given the cluster uses the "binpack" scheduler
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
    And the cluster settles
    Then pod "second" is scheduled to node "node-2"
    And pod "third" is scheduled to node "node-2"

  Scenario: The default scheduler spreads the same pods
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
        nodeSelector: {kubernetes.io/hostname: node-2}
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1", memory: 1Gi}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: third}
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
              - matchExpressions:
                - {key: kubernetes.io/hostname, operator: In, values: [node-1, node-2]}
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1", memory: 1Gi}}}]
      """
    And the cluster settles
    Then pod "third" is scheduled to node "node-1"

  Scenario: A full node is still skipped
    Given the cluster uses the "binpack" scheduler
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: big}
      spec:
        nodeName: node-3
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: 3500m}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1"}}}]
      """
    And the cluster settles
    Then pod "web" was filtered out of node "node-3" by "NodeResourcesFit"
