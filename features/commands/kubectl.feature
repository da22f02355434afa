Feature: A real kubectl against the scenario's cluster
  `When I run "kubectl ..."` serves the cluster on a loopback port while the command runs (the clock stands
  still) and keeps what it printed for the steps after it. Skipped when kubectl is not installed
  (pip install kspec[clients]).

  Background:
    Given a cluster with 2 nodes

  Scenario: kubectl get nodes prints the server-side table
    When I run "kubectl get nodes -o custom-columns=NAME:.metadata.name,READY:.status.conditions[-1].status"
    Then the command succeeds
    And the output is:
      """
      NAME     READY
      node-1   True
      node-2   True
      """

  Scenario: kubectl sees the pods a deployment made
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: web, image: nginx}]
      """
    And the cluster settles
    And I run "kubectl get deployment web"
    Then the command succeeds
    And the output contains "web    2/2     2            2"

  Scenario: an error is kubectl's own message
    When I run "kubectl get pod nope"
    Then the command fails
    And the output contains "Error from server (NotFound): pods"
