Feature: nodeSelector and node affinity

  Background:
    Given a cluster with nodes:
      | name   | labels                | zone |
      | node-1 | disk=ssd,generation=3 | a    |
      | node-2 | disk=hdd,generation=5 | b    |

  Scenario: nodeSelector picks the labelled node
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeSelector:
          disk: hdd
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-2"
    And pod "web" was filtered out of node "node-1" by "NodeAffinity"

  Scenario: No node matches the nodeSelector
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeSelector:
          disk: nvme
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles
    Then pod "web" is Pending
    And pod "web" has event "FailedScheduling" with message "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."

  Scenario: A label added later makes the pod schedulable
    Given node "node-1" has label "gpu=true"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeSelector:
          gpu: "true"
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-1"

  Scenario Outline: Required node affinity with operator <operator>
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
              - matchExpressions:
                - key: <key>
                  operator: <operator>
                  <values>
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "<node>"

    Examples:
      | key                         | operator     | values          | node   |
      | disk                        | In           | values: [ssd]   | node-1 |
      | disk                        | NotIn        | values: [ssd]   | node-2 |
      | generation                  | Gt           | values: ["4"]   | node-2 |
      | generation                  | Lt           | values: ["4"]   | node-1 |
      | topology.kubernetes.io/zone | In           | values: [b]     | node-2 |

  Scenario: Terms are ORed, expressions inside a term are ANDed
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
              - matchExpressions:
                - {key: disk, operator: In, values: [ssd]}
                - {key: generation, operator: In, values: ["5"]}
              - matchExpressions:
                - {key: disk, operator: In, values: [hdd]}
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-2"

  Scenario: Preferred node affinity wins by weight
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        affinity:
          nodeAffinity:
            preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 10
              preference:
                matchExpressions:
                - {key: disk, operator: In, values: [ssd]}
            - weight: 80
              preference:
                matchExpressions:
                - {key: disk, operator: In, values: [hdd]}
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-2"

  Scenario: matchFields on metadata.name narrows the search before filtering
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
              - matchFields:
                - {key: metadata.name, operator: In, values: [node-1]}
                matchExpressions:
                - {key: disk, operator: In, values: [hdd]}
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles
    Then pod "web" has event "FailedScheduling" with message "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
