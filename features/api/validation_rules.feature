Feature: Validation refuses what kube-apiserver refuses in CronJobs, Jobs, HPAs, PriorityClasses and data
  Each rule is upstream's, with its message: robfig/cron's parse errors, the
  tz database's time zones, the reserved priority range, size limits in bytes.

  Scenario: A cron field out of range
    When I try to apply:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: report
      spec:
        schedule: "61 * * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: report
                  image: busybox:1.36
      """
    Then the request fails with "CronJob.batch "report" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61"

  Scenario: A cron schedule that is not a schedule
    When I try to apply:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: report
      spec:
        schedule: "*/x * * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: report
                  image: busybox:1.36
      """
    Then the request fails with "spec.schedule: Invalid value: "*/x * * * *": failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax"

  Scenario: TZ belongs in timeZone, not in the schedule
    When I try to apply:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: report
      spec:
        schedule: "TZ=Europe/Paris 0 9 * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: report
                  image: busybox:1.36
      """
    Then the request fails with "spec.schedule: Invalid value: "TZ=Europe/Paris 0 9 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"

  Scenario: An unknown time zone
    When I try to apply:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: report
      spec:
        schedule: "0 9 * * *"
        timeZone: Mars/Olympus_Mons
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: report
                  image: busybox:1.36
      """
    Then the request fails with "spec.timeZone: Invalid value: "Mars/Olympus_Mons": unknown time zone Mars/Olympus_Mons"

  Scenario: A known time zone is accepted
    When I try to apply:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: report
      spec:
        schedule: "0 9 * * 1-5"
        timeZone: Europe/Paris
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: report
                  image: busybox:1.36
      """
    Then the request succeeds

  Scenario: A Job's completion mode is NonIndexed or Indexed
    When I try to apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: batch
      spec:
        completionMode: Sometimes
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: work
              image: busybox:1.36
      """
    Then the request fails with "Job.batch "batch" is invalid: spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed""

  Scenario: An Indexed Job needs completions (defaulted only when parallelism is unset too)
    When I try to apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: batch
      spec:
        completionMode: Indexed
        parallelism: 2
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: work
              image: busybox:1.36
      """
    Then the request fails with "spec.completions: Required value: when completion mode is Indexed"

  Scenario: A user priority above one billion is reserved
    When I try to apply:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: urgent
      value: 2000000000
      """
    Then the request fails with "PriorityClass.scheduling.k8s.io "urgent" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000"

  Scenario: The system- prefix is reserved
    When I try to apply:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: system-mine
      value: 1000
      """
    Then the request fails with "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"

  Scenario: An HPA metric target of an unknown type
    When I try to apply:
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: web
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        maxReplicas: 5
        metrics:
        - type: Resource
          resource:
            name: cpu
            target: {type: Percent, averageUtilization: 0}
      """
    Then the request fails with "HorizontalPodAutoscaler.autoscaling "web" is invalid: [spec.metrics[0].resource.target.type: Invalid value: "Percent": must be either Utilization, Value, or AverageValue, spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0]"

  Scenario: An HPA metric type with no source
    When I try to apply:
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: web
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        maxReplicas: 5
        metrics:
        - type: Pods
      """
    Then the request fails with "spec.metrics[0].pods: Required value: must populate information for the given metric source"

  Scenario: HPA behavior within upstream's bounds
    When I try to apply:
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: web
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        maxReplicas: 5
        behavior:
          scaleDown:
            stabilizationWindowSeconds: 4000
            policies:
            - {type: Pods, value: 0, periodSeconds: 15}
      """
    Then the request fails with "[spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600, spec.behavior.scaleDown.policies[0].value: Invalid value: 0: must be greater than zero]"

  Scenario: Annotations are limited to 256 KiB in all
    When I try to apply the file "big_annotation.yaml"
    Then the request fails with "metadata.annotations: Too long: must have at most 262144 bytes"

  Scenario: ConfigMap keys are config keys
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        "bad key": x
      """
    Then the request fails with "data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters"
