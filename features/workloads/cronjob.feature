Feature: CronJobs create Jobs on their schedule, in virtual time
  Jobs are named <cronjob>-<scheduled time in minutes since the epoch>; the
  concurrency policy decides what happens while one is still running, and
  only the newest finished Jobs are kept.

  Background:
    Given a cluster with 2 nodes

  Scenario: A CronJob runs every minute and keeps three successful Jobs
    Given image "busybox:ok" exits with code 0 after 5s
    When I apply:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: tick
      spec:
        schedule: "* * * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: work
                  image: busybox:ok
      """
    Then cronjob "tick" has created 0 jobs
    When I wait 60s
    Then cronjob "tick" has created 1 jobs
    And job "tick-28928161" exists
    And cronjob "tick" has event "SuccessfulCreate" with message "Created job tick-28928161"
    When I wait 5m
    Then cronjob "tick" has created 4 jobs
    And cronjob "tick" has 1 active jobs
    And cronjob "tick" has event "SawCompletedJob"
    And cronjob "tick" has event "SuccessfulDelete"

  Scenario: Forbid does not start a Job while the last one runs
    Given image "busybox:slow" exits with code 0 after 150s
    When I apply:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: report
      spec:
        schedule: "*/1 * * * *"
        concurrencyPolicy: Forbid
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: work
                  image: busybox:slow
      """
    And I wait 2m
    Then cronjob "report" has created 1 jobs
    And cronjob "report" has 1 active jobs
    And cronjob "report" has event "JobAlreadyActive"

  Scenario: A suspended CronJob creates nothing
    When I apply:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: paused
      spec:
        schedule: "@hourly"
        suspend: true
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: work
                  image: busybox
      """
    And I wait 2h
    Then cronjob "paused" has created 0 jobs
