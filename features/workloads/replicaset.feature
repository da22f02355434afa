Feature: ReplicaSets keep their replica count
  A ReplicaSet creates <name>-<5 characters> pods from its template, adopts
  matching orphans, and on scale-down deletes the pods upstream ranks first:
  unscheduled before scheduled, pending before running, not ready before
  ready.

  Scenario: A ReplicaSet adopts a matching bare pod and creates the rest
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stray
        labels: {app: cache}
      spec:
        containers:
        - name: app
          image: redis:7
      ---
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        name: cache
      spec:
        replicas: 3
        selector:
          matchLabels: {app: cache}
        template:
          metadata:
            labels: {app: cache}
          spec:
            containers:
            - name: app
              image: redis:7
      """
    Then within 1m replicaset "cache" has 3 ready replicas
    And there are 3 pods labeled "app=cache"
    And pod "stray" is Running
    And replicaset "cache" has event "SuccessfulCreate"

  Scenario: Scaling down deletes unschedulable pods before running ones
    Given a cluster with nodes:
      | name   | cpu |
      | node-1 | 1   |
    When I apply:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        name: big
      spec:
        replicas: 3
        selector:
          matchLabels: {app: big}
        template:
          metadata:
            labels: {app: big}
          spec:
            containers:
            - name: app
              image: nginx:1.25
              resources:
                requests: {cpu: 400m}
      """
    Then within 1m there are 2 running pods labeled "app=big"
    When I scale replicaset "big" to 2 replicas
    Then within 1m there are 2 pods labeled "app=big"
    And there are 2 running pods labeled "app=big"
    And replicaset "big" has 2 ready replicas
