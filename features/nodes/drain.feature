Feature: Cordon and drain through the eviction API

  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: web
      spec:
        minAvailable: 1
        selector:
          matchLabels:
            app: web
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels:
          app: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-2
        labels:
          app: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
      """

  Scenario: Cordoning adds the unschedulable taint
    When I cordon node "node-1"
    Then kubectl get nodes shows:
      | NAME   | STATUS                     |
      | node-1 | Ready,SchedulingDisabled   |

  Scenario: A budget blocks the second eviction, then allows it
    When I try to drain node "node-1"
    Then the request fails with "Cannot evict pod as it would violate the pod's disruption budget."
    And pod "web-1" does not exist
    And pod "web-2" exists
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-3
        labels:
          app: web
      spec:
        nodeName: node-2
        containers:
        - name: app
          image: nginx:1.25
      """
    And I drain node "node-1"
    Then pod "web-2" does not exist
    And pod "web-3" is Running
