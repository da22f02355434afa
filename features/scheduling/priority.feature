Feature: Priorities, queue order and preemption

  Background:
    Given a cluster with nodes:
      | name   | cpu |
      | node-1 | 2   |
    When I apply:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: high
      value: 1000
      ---
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: low
      value: 10
      ---
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: high-polite
      value: 1000
      preemptionPolicy: Never
      """

  Scenario: The higher-priority pod is scheduled first
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: batch
      spec:
        priorityClassName: low
        containers:
        - name: app
          image: busybox:1.36
          resources:
            requests: {cpu: 1500m}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: api
      spec:
        priorityClassName: high-polite
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: 1500m}
      """
    And the cluster settles
    Then pod "api" is scheduled to node "node-1"
    And pod "batch" is not scheduled

  Scenario: A high-priority pod preempts a low-priority one
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: batch
      spec:
        priorityClassName: low
        containers:
        - name: app
          image: busybox:1.36
          resources:
            requests: {cpu: 1500m}
      """
    Then pod "batch" is scheduled to node "node-1"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: api
      spec:
        priorityClassName: high
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: 1500m}
      """
    Then pod "api" has event "FailedScheduling" with message "0/1 nodes are available: 1 Insufficient cpu."
    And within 1m pod "api" is scheduled to node "node-1"
    And within 1m pod "batch" does not exist

  Scenario: preemptionPolicy Never waits instead of preempting
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: batch
      spec:
        priorityClassName: low
        containers:
        - name: app
          image: busybox:1.36
          resources:
            requests: {cpu: 1500m}
      """
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: api
      spec:
        priorityClassName: high-polite
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: 1500m}
      """
    And the cluster settles
    Then pod "batch" is scheduled to node "node-1"
    And pod "api" is not scheduled
    And pod "api" has event "FailedScheduling" with message "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."

  Scenario: Equal priority never preempts
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: batch
      spec:
        priorityClassName: high
        containers:
        - name: app
          image: busybox:1.36
          resources:
            requests: {cpu: 1500m}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: api
      spec:
        priorityClassName: high
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: 1500m}
      """
    And the cluster settles
    Then pod "api" has event "FailedScheduling" with message "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
