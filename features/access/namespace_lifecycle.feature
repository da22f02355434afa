Feature: NamespaceLifecycle admission: terminating and immortal namespaces

  Scenario: Nothing new can be created while a namespace waits for a finalizer
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: old
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: slow
        namespace: old
        finalizers: [example.com/hold]
      spec:
        containers:
        - name: app
          image: nginx
      """
    Then within 10s pod "slow" is Running in namespace "old"
    When I delete namespace "old"
    And I wait 5s
    And I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: late
        namespace: old
      spec:
        containers:
        - name: app
          image: nginx
      """
    Then the request fails with "pods "late" is forbidden: unable to create new content in namespace old because it is being terminated"

  Scenario: The default namespace may not be deleted
    Given a cluster with 2 nodes
    When I try to delete namespace "default"
    Then the request fails with "namespaces "default" is forbidden: this namespace may not be deleted"
