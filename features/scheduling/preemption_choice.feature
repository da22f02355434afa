Feature: Which node preemption picks

  Scenario: The node whose most important victim matters least
    Given a cluster with nodes:
      | name   | cpu |
      | node-1 | 1   |
      | node-2 | 1   |
    When I apply:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata: {name: p10}
      value: 10
      ---
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata: {name: p100}
      value: 100
      ---
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata: {name: p1000}
      value: 1000
      """
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: important}
      spec:
        nodeName: node-1
        priorityClassName: p100
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: 800m}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: cheap}
      spec:
        nodeName: node-2
        priorityClassName: p10
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: 800m}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: urgent}
      spec:
        priorityClassName: p1000
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: 800m}}}]
      """
    Then within 1m pod "urgent" is scheduled to node "node-2"
    And pod "important" is scheduled to node "node-1"
    And pod "cheap" does not exist

  Scenario: A PodDisruptionBudget steers preemption to the other node
    Given a cluster with nodes:
      | name   | cpu |
      | node-1 | 1   |
      | node-2 | 1   |
    When I apply:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata: {name: p1000}
      value: 1000
      ---
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata: {name: keep-db}
      spec:
        minAvailable: 1
        selector: {matchLabels: {app: db}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, labels: {app: db}}
      spec:
        nodeName: node-1
        containers: [{name: app, image: postgres:16, resources: {requests: {cpu: 800m}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, labels: {app: web}}
      spec:
        nodeName: node-2
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: 800m}}}]
      """
    And I wait 5s
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: urgent}
      spec:
        priorityClassName: p1000
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: 800m}}}]
      """
    Then within 1m pod "urgent" is scheduled to node "node-2"
    And pod "db" is scheduled to node "node-1"
