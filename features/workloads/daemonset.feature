Feature: DaemonSets run one pod on every eligible node
  The controller adds tolerations for node problems (not-ready, unreachable,
  disk, memory and pid pressure, unschedulable) but a taint the pod does
  not tolerate keeps the node out. Nodes that become eligible get a pod.

  Scenario: A tainted node is skipped, a cordoned one is not
    Given a cluster with nodes:
      | name   | taints                     | unschedulable |
      | node-1 |                            |               |
      | node-2 | dedicated=db:NoSchedule    |               |
      | node-3 |                            | true          |
    When I apply:
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels: {app: agent}
        template:
          metadata:
            labels: {app: agent}
          spec:
            containers:
            - name: agent
              image: fluentd:1.17
      """
    Then within 1m daemonset "agent" has 2 ready replicas
    And daemonset "agent" runs on nodes "node-1, node-3"
    And there are 2 running pods labeled "app=agent"
    And kubectl get daemonsets shows:
      | NAME  | DESIRED | CURRENT | READY | UP-TO-DATE |
      | agent | 2       | 2       | 2     | 2          |

  Scenario: A toleration lets the pod onto the tainted node
    Given a cluster with nodes:
      | name   | taints                  |
      | node-1 |                         |
      | node-2 | dedicated=db:NoSchedule |
    When I apply:
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels: {app: agent}
        template:
          metadata:
            labels: {app: agent}
          spec:
            tolerations:
            - {key: dedicated, operator: Exists, effect: NoSchedule}
            containers:
            - name: agent
              image: fluentd:1.17
      """
    Then within 1m daemonset "agent" runs on nodes "node-1, node-2"
    And within 1m daemonset "agent" has 2 ready replicas

  Scenario: A node that starts matching the node selector gets a pod
    Given a cluster with 3 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels: {app: agent}
        template:
          metadata:
            labels: {app: agent}
          spec:
            nodeSelector: {role: edge}
            containers:
            - name: agent
              image: fluentd:1.17
      """
    Then daemonset "agent" runs on nodes "none"
    Given node "node-2" has label "role=edge"
    Then within 1m daemonset "agent" runs on nodes "node-2"
    And within 1m daemonset "agent" has 1 ready replicas

  Scenario: A new template rolls out one node at a time
    Given a cluster with 3 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels: {app: agent}
        template:
          metadata:
            labels: {app: agent}
          spec:
            containers:
            - name: agent
              image: fluentd:1.17
      """
    Then within 1m daemonset "agent" has 3 ready replicas
    When I apply:
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels: {app: agent}
        template:
          metadata:
            labels: {app: agent}
          spec:
            containers:
            - name: agent
              image: fluentd:1.18
      """
    Then within 2m daemonset "agent" has 3 updated replicas
    And within 1m daemonset "agent" has 3 ready replicas
    And daemonset "agent" has event "SuccessfulDelete"
