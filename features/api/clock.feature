Feature: The virtual clock starts at 2025-01-01T00:00:00Z
  Virtual time zero is 2025-01-01T00:00:00Z (a Wednesday), so timestamps in
  objects and the times CronJob schedules fire are predictable.

  Scenario: Timestamps count from the epoch
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: first
      """
    Then the field "{.metadata.creationTimestamp}" of configmap "first" is "2025-01-01T00:00:00Z"
    When I wait 90s
    And I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: later
      """
    Then the field "{.metadata.creationTimestamp}" of configmap "later" is "2025-01-01T00:01:30Z"

  Scenario: A daily CronJob first fires at its time on 2025-01-01
    Given a cluster with 1 nodes
    And image "busybox:ok" exits with code 0 after 5s
    When I apply:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: nightly
      spec:
        schedule: "30 0 * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: work
                  image: busybox:ok
      """
    And I wait 29m59s
    Then cronjob "nightly" has created 0 jobs
    When I wait 1s
    Then cronjob "nightly" has created 1 jobs
    And job "nightly-28928190" exists
    And the field "{.status.lastScheduleTime}" of cronjob "nightly" is "2025-01-01T00:30:00Z"
    And the field "{.metadata.creationTimestamp}" of job "nightly-28928190" is "2025-01-01T00:30:00Z"
