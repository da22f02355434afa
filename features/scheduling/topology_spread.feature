Feature: Pod topology spread constraints

  Background:
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | a    |
      | node-2 | a    |
      | node-3 | b    |

  Scenario: maxSkew 1 across zones alternates the zones
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels: {app: web}
      spec:
        nodeName: node-1
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-2
        labels: {app: web}
      spec:
        topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector: {matchLabels: {app: web}}
        containers: [{name: app, image: nginx:1.25}]
      """
    Then pod "web-2" is scheduled to node "node-3"
    And pod "web-2" was filtered out of node "node-2" by "PodTopologySpread"

  Scenario: A constraint that cannot be met
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels: {app: web}
      spec:
        nodeName: node-1
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-2
        labels: {app: web}
      spec:
        nodeSelector:
          topology.kubernetes.io/zone: a
        topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          nodeAffinityPolicy: Ignore
          labelSelector: {matchLabels: {app: web}}
        containers: [{name: app, image: nginx:1.25}]
      """
    And the cluster settles
    Then pod "web-2" is Pending
    And pod "web-2" has event "FailedScheduling" with message "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't match pod topology spread constraints. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."

  Scenario: Nodes without the topology label are filtered out
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        labels: {app: web}
      spec:
        topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: rack
          whenUnsatisfiable: DoNotSchedule
          labelSelector: {matchLabels: {app: web}}
        containers: [{name: app, image: nginx:1.25}]
      """
    And the cluster settles
    Then pod "web" has event "FailedScheduling" with message "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."

  Scenario: ScheduleAnyway only prefers the emptier zone
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels: {app: web}
      spec:
        nodeName: node-3
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-2
        labels: {app: web}
      spec:
        nodeName: node-1
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-3
        labels: {app: web}
      spec:
        topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: {matchLabels: {app: web}}
        containers: [{name: app, image: nginx:1.25}]
      """
    Then pod "web-3" is scheduled to node "node-2"

  Scenario: Pods of a Service are spread by the system default constraints
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        selector: {app: web}
        ports: [{port: 80}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels: {app: web}
      spec:
        nodeName: node-1
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-2
        labels: {app: web}
      spec:
        nodeName: node-2
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-3
        labels: {app: web}
      spec:
        containers: [{name: app, image: nginx:1.25}]
      """
    Then pod "web-3" is scheduled to node "node-3"
