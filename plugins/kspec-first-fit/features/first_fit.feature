Feature: The first-fit scheduler plugin packs pods onto the first node with room
  A replacement scheduler is chosen by name. This one takes nodes in name
  order and binds each pod to the first node it fits on.

  Background:
    Given a cluster with nodes:
      | name   | cpu | memory |
      | node-a | 2   | 4Gi    |
      | node-b | 2   | 4Gi    |
      | node-c | 2   | 4Gi    |
    And the cluster uses the "first-fit" scheduler

  Scenario: pods fill the first node before the next
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: one
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests:
              cpu: "1"
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: two
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests:
              cpu: "1"
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: three
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests:
              cpu: "1"
      """
    Then pod "one" is scheduled to node "node-a"
    And pod "two" is scheduled to node "node-a"
    And pod "three" is scheduled to node "node-b"
    And pod "one" has event "Scheduled" with message "Successfully assigned default/one to node-a"

  Scenario: a tainted first node is skipped
    Given node "node-a" has taint "dedicated=gpu:NoSchedule"
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
      """
    Then pod "web" is scheduled to node "node-b"

  Scenario: a pod too big for every node waits and says why
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: huge
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests:
              cpu: "8"
      """
    Then pod "huge" is not scheduled
    And pod "huge" has event "FailedScheduling" with message "0/3 nodes are available: no node fits the pod (first-fit)."

  Scenario: a DaemonSet's pods land on the node each is pinned to
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
    And daemonset "agent" runs on nodes "node-a, node-b, node-c"
