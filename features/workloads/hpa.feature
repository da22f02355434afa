Feature: A HorizontalPodAutoscaler follows cpu utilization
  Every 15s the autoscaler computes ceil(ready pods x utilization / target),
  leaves the size alone within the 0.1 tolerance, at most doubles (or adds 4)
  per step without a behavior, and only scales down to the highest
  recommendation of the last 5 minutes.

  Background:
    Given a cluster with 3 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 1
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.25
              resources:
                requests: {cpu: 100m}
      ---
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: web
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        minReplicas: 1
        maxReplicas: 6
        metrics:
        - type: Resource
          resource:
            name: cpu
            target: {type: Utilization, averageUtilization: 50}
      """
    Then within 1m deployment "web" is rolled out

  Scenario: Load scales the deployment up, quiet scales it down after the window
    When pods labeled "app=web" use 200m of cpu
    Then within 30s deployment "web" is scaled to 4 replicas
    And horizontalpodautoscaler "web" has event "SuccessfulRescale" with message "New size: 4; reason: cpu resource utilization (percentage of request) above target"
    And within 2m deployment "web" is scaled to 6 replicas
    And horizontalpodautoscaler "web" has condition "ScalingLimited" with reason "TooManyReplicas"
    When pods labeled "app=web" use 10m of cpu
    And I wait 4m
    Then deployment "web" is scaled to 6 replicas
    And horizontalpodautoscaler "web" has condition "AbleToScale" with reason "ScaleDownStabilized"
    And within 2m deployment "web" is scaled to 2 replicas
    And horizontalpodautoscaler "web" has event "SuccessfulRescale" with message "New size: 2; reason: All metrics below target"

  Scenario: Usage within the tolerance changes nothing
    When pods labeled "app=web" use 54m of cpu
    And I wait 1m
    Then deployment "web" is scaled to 1 replicas
    And horizontalpodautoscaler "web" wants 1 replicas
    And horizontalpodautoscaler "web" has condition "ScalingActive" with reason "ValidMetricFound"

  Scenario: Without metrics the autoscaler cannot scale
    When I wait 30s
    Then horizontalpodautoscaler "web" has condition "ScalingActive" with reason "FailedGetResourceMetric"
    And deployment "web" is scaled to 1 replicas

  Scenario: Without a behavior each 15s sync at most doubles the size, so a big load scales up stepwise
    When I scale deployment "web" to 2 replicas
    And I apply:
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: web
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        minReplicas: 1
        maxReplicas: 10
        metrics:
        - type: Resource
          resource:
            name: cpu
            target: {type: Utilization, averageUtilization: 100}
      """
    And pods labeled "app=web" use 400m of cpu
    Then within 15s deployment "web" is scaled to 4 replicas
    And horizontalpodautoscaler "web" has event "SuccessfulRescale" with message "New size: 4; reason: cpu resource utilization (percentage of request) above target"
    And horizontalpodautoscaler "web" has condition "ScalingLimited" with reason "ScaleUpLimit"
    When I wait 14s
    Then deployment "web" is scaled to 4 replicas
    When I wait 1s
    Then deployment "web" is scaled to 8 replicas
    And horizontalpodautoscaler "web" has event "SuccessfulRescale" with message "New size: 8; reason: cpu resource utilization (percentage of request) above target"
    When I wait 14s
    Then deployment "web" is scaled to 8 replicas
    When I wait 1s
    Then deployment "web" is scaled to 10 replicas
    And horizontalpodautoscaler "web" has event "SuccessfulRescale" with message "New size: 10; reason: cpu resource utilization (percentage of request) above target"
    And horizontalpodautoscaler "web" has condition "ScalingLimited" with reason "TooManyReplicas"
