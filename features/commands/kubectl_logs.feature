Feature: kubectl logs prints what the simulated containers printed
  A container prints the echo lines of its command: `echo ...` or a `sh -c` script, where `sleep N`
  delays the lines after it. Each run has its own log; `--previous` reads the last terminated run.

  Background:
    Given a cluster with 1 node

  Scenario: the lines of a shell script appear as the container runs
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers:
        - name: app
          image: nginx
          command: [sh, -c, "echo starting; sleep 30; echo ready after 30s; sleep infinity"]
      """
    And I wait 10s
    And I run "kubectl logs web"
    Then the command succeeds
    And the output is:
      """
      starting
      """
    When I wait 30s
    And I run "kubectl logs web --timestamps"
    Then the output is:
      """
      2025-01-01T00:00:00.000000000Z starting
      2025-01-01T00:00:30.000000000Z ready after 30s
      """

  Scenario: a pod of two containers needs a container name
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: two}
      spec:
        containers:
        - {name: a, image: nginx, args: [echo, from a]}
        - {name: b, image: nginx}
      """
    And the cluster settles
    And I run "kubectl logs two -c a"
    Then the output is:
      """
      from a
      """
    When I run "kubectl logs two --previous -c a"
    Then the command fails
    And the output contains "Error from server (BadRequest): previous terminated container"
