Feature: kubectl top reads the simulated metrics
  The cpu usage steps give pods (what the HPA reads) and the memory usage steps give containers are served
  as metrics.k8s.io, as metrics-server serves them. A cluster where no step set a usage has no metrics API.

  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web, labels: {app: web}}
      spec:
        nodeName: node-1
        containers: [{name: app, image: nginx}]
      """
    And the cluster settles

  Scenario: kubectl top pod and top node
    When pod "web" uses 250m of cpu
    And container "app" of pod "web" uses 64Mi of memory
    And I run "kubectl top pod"
    Then the command succeeds
    And the output is:
      """
      NAME   CPU(cores)   MEMORY(bytes)
      web    250m         64Mi
      """
    When I run "kubectl top node node-1 --no-headers"
    Then the output is:
      """
      node-1   250m   6%    64Mi   0%
      """

  Scenario: without metrics kubectl says so
    When I run "kubectl top pod"
    Then the command fails
    And the output contains "error: Metrics API not available"
