Feature: An Indexed Job's backoffLimitPerIndex and successPolicy
  With backoffLimitPerIndex each completion index is retried on its own: a
  failed pod is replaced (after the index's own back-off) by one carrying the
  index's failure count, and an index that fails more often than the limit is
  given up, listed in status.failedIndexes, while the other indexes go on. The
  Job fails with reason FailedIndexes once every index has succeeded or failed.
  A successPolicy ends an Indexed Job early once the listed indexes succeeded.

  Background:
    Given a cluster with 2 nodes

  Scenario: Each index is retried up to its limit, then the Job fails with FailedIndexes
    Given image "busybox:broken" exits with code 1 after 1s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: shards
      spec:
        completionMode: Indexed
        completions: 2
        parallelism: 2
        backoffLimitPerIndex: 1
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: main
              image: busybox:broken
      """
    Then within 60s job "shards" has failed with reason "FailedIndexes"
    And the field "{.status.failedIndexes}" of job "shards" is "0,1"
    And the field "{.status.failed}" of job "shards" is "4"
    And there are 4 pods labeled "batch.kubernetes.io/job-name=shards"

  Scenario: A FailIndex rule gives an index up at once, before its limit
    Given image "busybox:broken" exits with code 42 after 1s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: strict
      spec:
        completionMode: Indexed
        completions: 2
        parallelism: 2
        backoffLimitPerIndex: 3
        podFailurePolicy:
          rules:
          - action: FailIndex
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
    Then within 60s job "strict" has failed with reason "FailedIndexes"
    And the field "{.status.failedIndexes}" of job "strict" is "0,1"
    And there are 2 pods labeled "batch.kubernetes.io/job-name=strict"

  Scenario: A successPolicy completes the Job after its first success
    Given image "busybox:quick" exits with code 0 after 1s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: leader
      spec:
        completionMode: Indexed
        completions: 3
        parallelism: 1
        successPolicy:
          rules:
          - succeededCount: 1
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: main
              image: busybox:quick
      """
    Then within 60s job "leader" has condition "Complete" with status "True"
    And the field "{.status.conditions[?(@.type=="Complete")].reason}" of job "leader" is "SuccessPolicy"
    And the field "{.status.completedIndexes}" of job "leader" is "0"
    And there are 1 pods labeled "batch.kubernetes.io/job-name=leader"
