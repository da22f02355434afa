Feature: Deleting a workload cascades through ownerReferences
  Every ReplicaSet, pod, Job and claim a controller makes names its
  controller in ownerReferences (controller: true, blockOwnerDeletion: true).
  Deleting the owner deletes them in the background by default, waits for
  them with --cascade=foreground, and leaves them with --cascade=orphan.

  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 2
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.25
      """
    Then within 1m deployment "web" is rolled out

  Scenario: Background deletion removes the ReplicaSet and its pods
    When I delete deployment "web"
    Then deployment "web" does not exist
    And within 1m there are 0 pods labeled "app=web"

  Scenario: Foreground deletion removes the Deployment with its dependents
    When I delete deployment "web" with cascade foreground
    Then within 2m deployment "web" does not exist
    And there are 0 pods labeled "app=web"

  Scenario: Orphan deletion leaves the pods running, and a new Deployment adopts them
    When I delete deployment "web" with cascade orphan
    Then within 10s deployment "web" does not exist
    And there are 2 running pods labeled "app=web"
    When I wait 1m
    Then there are 2 running pods labeled "app=web"

  Scenario: Deleting a StatefulSet deletes its pods
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: db
        replicas: 2
        selector:
          matchLabels: {app: db}
        template:
          metadata:
            labels: {app: db}
          spec:
            containers:
            - name: db
              image: postgres:17
      """
    Then within 1m statefulset "db" has 2 ready replicas
    When I delete statefulset "db"
    Then within 2m there are 0 pods labeled "app=db"
