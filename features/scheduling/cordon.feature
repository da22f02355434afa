Feature: Cordoned nodes take no new pods

  Background:
    Given a cluster with nodes:
      | name   | cpu |
      | node-1 | 2   |
      | node-2 | 2   |
      | node-3 | 2   |
    When I apply:
      """
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
            requests:
              cpu: 1500m
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: filler-3
      spec:
        nodeName: node-3
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests:
              cpu: 1500m
      """

  Scenario: One cordoned node and two full ones: the reasons are counted and sorted
    When I cordon node "node-1"
    And I apply:
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
            requests:
              cpu: "1"
      """
    And the cluster settles
    Then pod "web" is Pending
    And pod "web" has event "FailedScheduling" with message "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
    And pod "web" was filtered out of node "node-1" by "NodeUnschedulable"
    And pod "web" was filtered out of node "node-2" by "NodeResourcesFit"

  Scenario: Uncordoning brings the pending pod in
    When I cordon node "node-1"
    And I apply:
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
            requests:
              cpu: "1"
      """
    And the cluster settles
    And I uncordon node "node-1"
    Then within 2s pod "web" is scheduled to node "node-1"

  Scenario: A pod that tolerates the unschedulable taint may use a cordoned node
    When I cordon node "node-1"
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: agent
      spec:
        tolerations:
        - key: node.kubernetes.io/unschedulable
          operator: Exists
          effect: NoSchedule
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests:
              cpu: "1"
      """
    Then pod "agent" is scheduled to node "node-1"
