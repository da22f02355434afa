Feature: Conditions of any object
  `<kind> "<name>" has condition "<type>" with status "<status>"` reads
  status.conditions as `kubectl get -o yaml` shows it; `has no condition`
  holds while that type is absent, whatever the status of the others.

  Scenario: Pod, node, Deployment and Job conditions
    Given a cluster with 1 nodes
    And image "busybox:ok" exits with code 0 after 5s
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: huge
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "64"}
      ---
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
      ---
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: batch
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: work
              image: busybox:ok
      """
    And the cluster settles
    Then pod "huge" has condition "PodScheduled" with status "False"
    And pod "huge" has no condition "Ready"
    And pod "deployment/web#0" has condition "Ready" with status "True"
    And node "node-1" has condition "Ready" with status "True"
    And node "node-1" has condition "MemoryPressure" with status "False"
    And node "node-1" has no condition "NetworkUnavailable"
    And deployment "web" has condition "Available" with status "True"
    And deployment "web" has no condition "ReplicaFailure"
    And job "batch" has condition "Complete" with status "True"
    And job "batch" has no condition "Failed"

  Scenario: A node that stops responding turns Unknown
    Given a cluster with 2 nodes
    When node "node-2" stops responding
    Then within 1m node "node-2" has condition "Ready" with status "Unknown"
    And node "node-1" has condition "Ready" with status "True"
