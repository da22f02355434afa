Feature: LimitRange: default requests and limits, and the bounds they enforce

  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: team
      ---
      apiVersion: v1
      kind: LimitRange
      metadata:
        name: defaults
        namespace: team
      spec:
        limits:
        - type: Container
          default: {cpu: 500m, memory: 256Mi}
          defaultRequest: {cpu: 100m, memory: 128Mi}
          max: {cpu: "1"}
      """

  Scenario: A container without resources gets the defaults and the pod becomes Burstable
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: plain
        namespace: team
      spec:
        containers:
        - name: app
          image: nginx
      """
    Then pod "plain" has QoS class "Burstable" in namespace "team"
    And the field "spec.containers[0].resources.requests.cpu" of pod "plain" is "100m" in namespace "team"
    And the field "spec.containers[0].resources.limits.memory" of pod "plain" is "256Mi" in namespace "team"
    And the field "metadata.annotations.kubernetes\.io/limit-ranger" of pod "plain" is "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app" in namespace "team"

  Scenario: A container above the maximum is refused with LimitRanger's message
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: greedy
        namespace: team
      spec:
        containers:
        - name: app
          image: nginx
          resources:
            limits: {cpu: "2"}
      """
    Then the request fails with "pods "greedy" is forbidden: maximum cpu usage per Container is 1, but limit is 2"

  Scenario: kubectl lists LimitRanges with their creation time
    Then kubectl get limitranges in namespace "team" shows:
      | NAME     | CREATED AT           |
      | defaults | 2025-01-01T00:00:00Z |
