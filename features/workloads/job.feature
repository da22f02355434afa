Feature: Jobs run pods to completion, retry failures with back-off, and give up
  A failed pod is replaced after 10s, then 20s, 40s, ... (capped at 10
  minutes); more failures than backoffLimit fail the Job with
  BackoffLimitExceeded, running past activeDeadlineSeconds with
  DeadlineExceeded.

  Background:
    Given a cluster with 2 nodes

  Scenario: A Job runs its completions two at a time
    Given image "busybox:ok" exits with code 0 after 5s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: batch
      spec:
        completions: 4
        parallelism: 2
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: work
              image: busybox:ok
      """
    Then there are 2 pods labeled "batch.kubernetes.io/job-name=batch"
    And within 1m job "batch" is complete
    And job "batch" has 4 succeeded pods
    And there are 4 pods labeled "batch.kubernetes.io/job-name=batch"
    And job "batch" has event "Completed" with message "Job completed"
    And job "batch" has condition "Complete" with reason "CompletionsReached"
    And kubectl get jobs shows:
      | NAME  | STATUS   | COMPLETIONS |
      | batch | Complete | 4/4         |

  Scenario: A failing Job retries with back-off, then fails
    Given image "busybox:fail" exits with code 1 after 1s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: flaky
      spec:
        backoffLimit: 2
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: work
              image: busybox:fail
      """
    And I wait 5s
    Then job "flaky" has 1 failed pods
    And there are 1 pods labeled "batch.kubernetes.io/job-name=flaky"
    And within 15s there are 2 pods labeled "batch.kubernetes.io/job-name=flaky"
    And within 1m job "flaky" has 2 failed pods
    And within 1m job "flaky" has failed with reason "BackoffLimitExceeded"
    And job "flaky" has 3 failed pods
    And job "flaky" has event "BackoffLimitExceeded" with message "Job has reached the specified backoff limit"

  Scenario: A Job that runs too long is stopped at its deadline
    Given image "busybox:slow" exits with code 0 after 10m
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: slow
      spec:
        activeDeadlineSeconds: 30
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: work
              image: busybox:slow
      """
    And I wait 20s
    Then job "slow" has 1 active pods
    And within 1m job "slow" has failed with reason "DeadlineExceeded"
    And job "slow" has event "DeadlineExceeded" with message "Job was active longer than specified deadline"

  Scenario: An Indexed Job gives each pod its completion index
    Given image "busybox:ok" exits with code 0 after 5s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: shards
      spec:
        completions: 3
        parallelism: 3
        completionMode: Indexed
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: work
              image: busybox:ok
      """
    Then there are 1 pods labeled "batch.kubernetes.io/job-completion-index=2"
    And within 1m job "shards" is complete

  Scenario: A finished Job is deleted after its TTL
    Given image "busybox:ok" exits with code 0 after 5s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: once
      spec:
        ttlSecondsAfterFinished: 60
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: work
              image: busybox:ok
      """
    Then within 1m job "once" is complete
    And job "once" exists
    And within 2m job "once" does not exist
    And there are 0 pods labeled "batch.kubernetes.io/job-name=once"
