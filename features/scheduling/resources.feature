Feature: Resource requests must fit what a node has left

  Background:
    Given a cluster with nodes:
      | name   | cpu | memory | pods | ephemeral-storage |
      | node-1 | 2   | 4Gi    | 2    | 10Gi              |
      | node-2 | 2   | 4Gi    | 2    | 10Gi              |

  Scenario Outline: Insufficient <resource>
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: filler-1
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {<resource>: <used>}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: filler-2
      spec:
        nodeName: node-2
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {<resource>: <used>}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {<resource>: <asked>}
      """
    And the cluster settles
    Then pod "web" is not scheduled
    And pod "web" has event "FailedScheduling" with message "0/2 nodes are available: 2 Insufficient <resource>. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."

    Examples:
      | resource          | used  | asked |
      | cpu               | 1500m | 1     |
      | memory            | 3Gi   | 2Gi   |
      | ephemeral-storage | 8Gi   | 4Gi   |

  Scenario: Too many pods
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: a-1}
      spec: {nodeName: node-1, containers: [{name: app, image: nginx:1.25}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a-2}
      spec: {nodeName: node-1, containers: [{name: app, image: nginx:1.25}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b-1}
      spec: {nodeName: node-2, containers: [{name: app, image: nginx:1.25}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b-2}
      spec: {nodeName: node-2, containers: [{name: app, image: nginx:1.25}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec: {containers: [{name: app, image: nginx:1.25}]}
      """
    And the cluster settles
    Then pod "web" has event "FailedScheduling" with message "0/2 nodes are available: 2 Too many pods. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."

  Scenario: Every failing resource is its own reason
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "3", memory: 5Gi}
      """
    And the cluster settles
    Then pod "web" has event "FailedScheduling" with message "0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."

  Scenario: An extended resource no node offers
    Given node "node-1" has capacity "example.com/foo=2"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {example.com/foo: "1"}
            limits: {example.com/foo: "1"}
      """
    Then pod "web" is scheduled to node "node-1"
    And pod "web" was filtered out of node "node-2" by "NodeResourcesFit"

  Scenario: Init containers count by their largest request, not their sum
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeSelector: {kubernetes.io/hostname: node-1}
        initContainers:
        - name: setup
          image: busybox:1.36
          resources:
            requests: {cpu: 1500m}
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "1"}
        - name: sidecar
          image: nginx:1.25
          resources:
            requests: {cpu: 500m}
      """
    Then pod "web" is scheduled to node "node-1"

  Scenario: LeastAllocated sends a pod to the emptier node
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: filler
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "1", memory: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: 500m, memory: 512Mi}
      """
    Then pod "web" is scheduled to node "node-2"
