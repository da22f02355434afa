Feature: Namespaces hold objects and take them with them when deleted
  A new cluster has default, kube-system, kube-public and kube-node-lease.
  Deleting a namespace marks it Terminating, deletes what it holds, then
  removes it.

  Scenario: The system namespaces exist in a new cluster
    Then kubectl get namespaces shows:
      | NAME            | STATUS |
      | default         | Active |
      | kube-system     | Active |
      | kube-public     | Active |
      | kube-node-lease | Active |

  Scenario: Objects are applied into a namespace created in the same manifest
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: team-a
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        namespace: team-a
      data: {mode: fast}
      """
    Then configmap "settings" exists in namespace "team-a"
    And configmap "settings" does not exist
    And kubectl get configmaps in namespace "team-a" shows:
      | NAME     | DATA |
      | settings | 1    |

  Scenario: Deleting a namespace deletes its content, then the namespace
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: team-a
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        namespace: team-a
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        namespace: team-a
      spec:
        ports:
        - port: 80
      """
    And I delete namespace "team-a"
    And the cluster settles
    Then namespace "team-a" does not exist
    And configmap "settings" does not exist in namespace "team-a"
    And service "web" does not exist in namespace "team-a"

  Scenario: Nothing new can be created in a namespace that is being deleted
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: team-a
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: held
        namespace: team-a
        finalizers: [example.com/hold]
      """
    And I delete namespace "team-a"
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: late
        namespace: team-a
      """
    Then the request fails with "is forbidden: unable to create new content in namespace team-a because it is being terminated"
    And kubectl get namespaces shows:
      | NAME   | STATUS      |
      | team-a | Terminating |
