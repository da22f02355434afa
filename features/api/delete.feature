Feature: Deleting objects
  kubectl delete removes an object at once unless something must happen
  first: a finalizer to be removed, or (for a pod on a node) its grace period.

  Scenario: A deleted ConfigMap is gone
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      """
    And I delete configmap "settings"
    Then configmap "settings" does not exist

  Scenario: A pod that no node has taken yet goes at once
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        nodeSelector: {no-such-label: "true"}
        containers:
        - name: app
          image: nginx:1.27
      """
    And I delete pod "app"
    Then pod "app" does not exist

  Scenario: A Service's cluster IP is free again once it is deleted
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: first
      spec:
        clusterIP: 10.96.7.7
        ports:
        - port: 80
      """
    And I delete svc "first"
    And I try to apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: second
      spec:
        clusterIP: 10.96.7.7
        ports:
        - port: 80
      """
    Then the request succeeds
    And service "first" does not exist
    And service "second" has a cluster IP in "10.96.7.7/32"

  Scenario: The name of a deleted object can be used again at once
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: owner
      """
    And I delete configmap "owner"
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: owner
      """
    Then the request succeeds
    And configmap "owner" exists
