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

  Scenario: Every container mounts the service account's token volume
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop}
      spec:
        containers: [{name: app, image: nginx:1.27}]
      """
    Then within 30s pod "web" is Running in namespace "shop"
    And the field "{.spec.serviceAccountName}" of pod "web" is "default" in namespace "shop"
    And the field "{.spec.containers[0].volumeMounts[0].mountPath}" of pod "web" is "/var/run/secrets/kubernetes.io/serviceaccount" in namespace "shop"
    And the file "/var/run/secrets/kubernetes.io/serviceaccount/namespace" in container "app" of pod "web" contains "shop" in namespace "shop"
    And the file "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt" in container "app" of pod "web" contains "BEGIN CERTIFICATE" in namespace "shop"
    And configmap "kube-root-ca.crt" exists in namespace "shop"

  Scenario: A service account that opts out of automounting gets pods without the token volume
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: quiet}
      automountServiceAccountToken: false
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        serviceAccountName: quiet
        containers: [{name: app, image: nginx:1.27}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: loud}
      spec:
        serviceAccountName: quiet
        automountServiceAccountToken: true
        containers: [{name: app, image: nginx:1.27}]
      """
    Then the field "{.spec.volumes}" of pod "web" is empty
    And the field "{.spec.volumes[0].projected.sources[1].configMap.name}" of pod "loud" is "kube-root-ca.crt"

  Scenario: A ReplicaSet whose service account is missing fails to create pods until it appears
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            serviceAccountName: builder
            containers: [{name: app, image: nginx:1.27}]
      """
    Then replicaset "web" has event "FailedCreate" with message containing "is forbidden: error looking up service account default/builder: serviceaccount"
    When I apply:
      """
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: builder}
      """
    Then within 1m replicaset "web" is scaled to 2 replicas
