Feature: A Job's podFailurePolicy decides what a failed pod means
  The first rule matching a failed pod decides: FailJob fails the Job at once
  (reason PodFailurePolicy, naming the container and its exit code), Ignore
  keeps the failure out of the backoffLimit count (the replacement still waits
  out the pod back-off, 10s after the first failure).

  Background:
    Given a cluster with 1 nodes

  Scenario: An exit code matching a FailJob rule fails the Job without retries
    Given image "busybox:broken" exits with code 42 after 1s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: strict
      spec:
        backoffLimit: 6
        podFailurePolicy:
          rules:
          - action: FailJob
            onExitCodes:
              operator: In
              values: [42]
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: main
              image: busybox:broken
      """
    Then within 30s job "strict" has failed with reason "PodFailurePolicy"
    And job "strict" has event "PodFailurePolicy" with message containing "Container main for pod default/strict-"
    And job "strict" has event "PodFailurePolicy" with message containing "failed with exit code 42 matching FailJob rule at index 0"
    And there are 1 pods labeled "batch.kubernetes.io/job-name=strict"

  Scenario: An exit code matching an Ignore rule does not count towards backoffLimit
    Given image "busybox:flaky" exits with code 3 after 1s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: tolerant
      spec:
        backoffLimit: 0
        podFailurePolicy:
          rules:
          - action: Ignore
            onExitCodes:
              operator: In
              values: [3]
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: main
              image: busybox:flaky
      """
    And I wait 5s
    Then job "tolerant" has 0 failed pods
    And within 10s job "tolerant" has 1 active pods
    And job "tolerant" has 0 failed pods
