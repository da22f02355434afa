Feature: kubectl and the steps see the same cluster
  A real kubectl against the scenario's cluster (skipped without kubectl: pip install kspec[clients]),
  its answers checked next to the steps that read the same thing.

  Background:
    Given a cluster with 2 nodes
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

  Scenario: kubectl scale, then the steps count the pods
    When I run "kubectl scale deployment web --replicas=3"
    Then the output is:
      """
      deployment.apps/web scaled
      """
    And within 1m there are 3 running pods labeled "app=web"
    When I run "kubectl get deployment web -o jsonpath={.status.readyReplicas}"
    Then the output is:
      """
      3
      """
    And the field "{.status.readyReplicas}" of deployment "web" is "3"

  Scenario: kubectl delete --cascade=orphan leaves the pods running
    When I run "kubectl delete deployment web --cascade=orphan"
    Then the output is:
      """
      deployment.apps "web" deleted from default namespace
      """
    When the cluster settles
    Then there are 2 running pods labeled "app=web"

  Scenario: kubectl logs --previous reads the run before the restart
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: job}
      spec:
        containers:
        - name: app
          image: busybox
          command: [sh, -c, "echo run started; sleep infinity"]
      """
    And I wait 5s
    And container "app" of pod "job" exits with code 1
    Then within 30s container "app" of pod "job" is running
    When I run "kubectl logs job --previous --timestamps"
    Then the output is:
      """
      2025-01-01T00:00:30.000000000Z run started
      """
    When I run "kubectl get pod job -o jsonpath={.status.containerStatuses[0].restartCount}"
    Then the output is:
      """
      1
      """
