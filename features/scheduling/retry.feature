Feature: Unschedulable pods wait for a change that could help, then retry

  Background:
    Given a cluster with nodes:
      | name   | cpu |
      | node-1 | 2   |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: filler
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: 1500m}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "1"}
      """

  Scenario: The cluster settles with the pod still Pending
    When the cluster settles
    Then pod "filler" is scheduled to node "node-1"
    And pod "web" is Pending
    And kubectl get pods shows:
      | NAME | READY | STATUS  | NODE   |
      | web  | 0/1   | Pending | <none> |

  Scenario: Deleting a pod frees room; the retry waits out the back-off
    When the cluster settles
    And I delete pod "filler"
    Then within 2s pod "web" is scheduled to node "node-1"

  Scenario: Nothing relevant happens: the pod stays Pending without busy retries
    When I wait 4m
    Then pod "web" has event "FailedScheduling"
    And pod "web" is not scheduled

  Scenario: A pod for another scheduler is left alone
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: custom
      spec:
        schedulerName: my-scheduler
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles
    Then pod "custom" is not scheduled

  Scenario: A gated pod waits until its gates are removed
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: gated
      spec:
        schedulingGates:
        - name: example.com/quota
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles
    Then pod "gated" is not scheduled
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: gated
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    Then within 1s pod "gated" is scheduled to node "node-1"
