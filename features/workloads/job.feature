Feature: Jobs run pods to completion, retry failures with back-off, and give up
  A failed pod is replaced after 10s, then 20s, 40s, ... (capped at 10
  minutes); more failures than backoffLimit fail the Job with
  BackoffLimitExceeded, running past activeDeadlineSeconds with
  DeadlineExceeded. A podFailurePolicy can fail the Job at once (FailJob) or
  keep a failure out of the count (Ignore); a suspended Job runs no pods.

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

  Scenario: A podFailurePolicy FailJob rule fails the Job at the first matching exit code
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
              containerName: main
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
    And job "strict" has condition "FailureTarget" with reason "PodFailurePolicy"
    And job "strict" has event "PodFailurePolicy" with message containing "Container main for pod default/strict-"
    And job "strict" has event "PodFailurePolicy" with message containing "failed with exit code 42 matching FailJob rule at index 0"
    And job "strict" has 1 failed pods
    And there are 1 pods labeled "batch.kubernetes.io/job-name=strict"
    And kubectl get jobs shows:
      | NAME   | STATUS | COMPLETIONS |
      | strict | Failed | 0/1         |

  Scenario: Failures an Ignore rule matches do not count towards backoffLimit
    Given image "busybox:flaky" exits with code 3 after 1s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: patient
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
    And I wait 40s
    Then job "patient" has 0 failed pods
    And there are 3 pods labeled "batch.kubernetes.io/job-name=patient"
    And kubectl get jobs shows:
      | NAME    | STATUS  |
      | patient | Running |

  Scenario: The first matching rule decides: a Count rule before a FailJob rule keeps the back-off limit
    Given image "busybox:fail" exits with code 1 after 1s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: counted
      spec:
        backoffLimit: 1
        podFailurePolicy:
          rules:
          - action: Count
            onExitCodes:
              operator: NotIn
              values: [0, 42]
          - action: FailJob
            onExitCodes:
              operator: In
              values: [1]
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: main
              image: busybox:fail
      """
    Then within 1m job "counted" has failed with reason "BackoffLimitExceeded"
    And job "counted" has 2 failed pods

  Scenario: A pod evicted by a drain carries DisruptionTarget, which an Ignore rule does not count
    Given image "busybox:stubborn" takes 1m to stop
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
            onPodConditions:
            - type: DisruptionTarget
        template:
          spec:
            restartPolicy: Never
            terminationGracePeriodSeconds: 5
            nodeSelector: {kubernetes.io/hostname: node-1}
            containers:
            - name: main
              image: busybox:stubborn
      """
    Then within 10s there are 1 running pods labeled "batch.kubernetes.io/job-name=tolerant"
    When I drain node "node-1"
    And I wait 4s
    Then there are 1 pods labeled "batch.kubernetes.io/job-name=tolerant"
    And job "tolerant" has 0 active pods
    When I wait 2s
    Then there are 0 pods labeled "batch.kubernetes.io/job-name=tolerant"
    And job "tolerant" has 0 failed pods
    And kubectl get jobs shows:
      | NAME     | STATUS  |
      | tolerant | Running |
    And within 15s there are 1 pods labeled "batch.kubernetes.io/job-name=tolerant"
    And job "tolerant" has 1 active pods

  Scenario: A podFailurePolicy needs restartPolicy Never
    When I try to apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: wrong
      spec:
        podFailurePolicy:
          rules:
          - action: Ignore
            onExitCodes: {operator: In, values: [3]}
        template:
          spec:
            restartPolicy: OnFailure
            containers:
            - name: main
              image: busybox
      """
    Then the request fails with "spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified"

  Scenario: Suspending a Job deletes its active pods; resuming starts new ones
    Given image "busybox:slow" exits with code 0 after 10m
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: pausable
      spec:
        completions: 2
        parallelism: 2
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: main
              image: busybox:slow
      """
    Then within 10s there are 2 running pods labeled "batch.kubernetes.io/job-name=pausable"
    When I suspend job "pausable"
    Then within 1m there are 0 pods labeled "batch.kubernetes.io/job-name=pausable"
    And job "pausable" has condition "Suspended" with reason "JobSuspended"
    And job "pausable" has event "Suspended" with message "Job suspended"
    And job "pausable" has 0 active pods
    And job "pausable" has 0 failed pods
    And kubectl get jobs shows:
      | NAME     | STATUS    | COMPLETIONS |
      | pausable | Suspended | 0/2         |
    When I resume job "pausable"
    Then within 10s there are 2 running pods labeled "batch.kubernetes.io/job-name=pausable"
    And job "pausable" has condition "Suspended" with reason "JobResumed"
    And job "pausable" has event "Resumed" with message "Job resumed"
    And job "pausable" has 2 active pods
    And kubectl get jobs shows:
      | NAME     | STATUS  | COMPLETIONS |
      | pausable | Running | 0/2         |

  Scenario: A Job created suspended starts no pods and has not started
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: later
      spec:
        suspend: true
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: main
              image: busybox
      """
    And I wait 10s
    Then there are 0 pods labeled "batch.kubernetes.io/job-name=later"
    And job "later" has condition "Suspended" with reason "JobSuspended"
    And kubectl get jobs shows:
      | NAME  | STATUS    | COMPLETIONS | DURATION |
      | later | Suspended | 0/1         |          |
