Feature: Service accounts
  Every namespace gets a default service account from the service account controller; a pod runs as
  the account it names, which must exist.

  Scenario: A new namespace gets its default service account
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      """
    Then serviceaccount "default" exists in namespace "shop"
    And serviceaccount "default" exists in namespace "kube-system"

  Scenario: A deleted default service account comes back
    Given a cluster with 1 nodes
    When I delete serviceaccount "default"
    Then within 1s serviceaccount "default" exists

  Scenario: A pod naming a service account that does not exist is refused
    Given a cluster with 1 nodes
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        serviceAccountName: builder
        containers: [{name: app, image: nginx:1.27}]
      """
    Then the request fails with "pods "web" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found"
