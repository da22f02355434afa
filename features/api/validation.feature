Feature: The API server rejects invalid objects with kube-apiserver's own messages
  A manifest that kube-apiserver would refuse is refused here too, with the
  message `kubectl apply` prints after "Error from server". A rejected
  object is not created.

  Scenario: A pod name must be a lowercase RFC 1123 subdomain
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: Bad_Name
      spec:
        containers:
        - name: app
          image: nginx:1.27
      """
    Then the request fails with "Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    And pod "Bad_Name" does not exist

  Scenario: A pod needs at least one container
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: empty
      spec:
        containers: []
      """
    Then the request fails with "Pod "empty" is invalid: spec.containers: Required value"

  Scenario: A Deployment's selector must match its pod template
    When I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: api}
          spec:
            containers:
            - name: app
              image: nginx:1.27
      """
    Then the request fails with "Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"api"}: `selector` does not match template `labels`"

  Scenario: maxSurge and maxUnavailable cannot both be zero
    When I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        strategy:
          rollingUpdate: {maxSurge: 0, maxUnavailable: 0}
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.27
      """
    Then the request fails with "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"

  Scenario: An unknown kind has no REST mapping
    When I try to apply:
      """
      apiVersion: v1
      kind: Pood
      metadata:
        name: web
      """
    Then the request fails with "no matches for kind "Pood" in version "v1""

  Scenario: Objects go only into namespaces that exist
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        namespace: nope
      data: {mode: fast}
      """
    Then the request fails with "namespaces "nope" not found"

  Scenario: One bad document is rejected, the good one is applied as kubectl apply does
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: good
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: Not_Good
      """
    Then the request fails with "ConfigMap "Not_Good" is invalid: metadata.name: Invalid value: "Not_Good""
    And configmap "good" exists

  Scenario: A valid manifest is accepted
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: good
      """
    Then the request succeeds
    And configmap "good" exists
