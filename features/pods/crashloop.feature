Feature: Restarts and CrashLoopBackOff follow the kubelet's back-off

  Background:
    Given a cluster with 1 nodes
    And image "crasher:1" exits with code 1 after 5s

  Scenario: Restarts after 0s, 10s, 20s, 40s
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: crash
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: crasher:1
      """
    When I wait 5s
    Then container "app" of pod "crash" has restarted 1 times
    And container "app" of pod "crash" is running
    When I wait 5s
    Then container "app" of pod "crash" is waiting with reason "CrashLoopBackOff"
    And kubectl get pods shows:
      | NAME  | READY | STATUS           | RESTARTS |
      | crash | 0/1   | CrashLoopBackOff | 1        |
    And pod "crash" is Running
    When I wait 9s
    Then container "app" of pod "crash" has restarted 1 times
    When I wait 1s
    Then container "app" of pod "crash" has restarted 2 times
    When I wait 5s
    Then container "app" of pod "crash" is waiting with reason "CrashLoopBackOff"
    When I wait 19s
    Then container "app" of pod "crash" has restarted 2 times
    When I wait 1s
    Then container "app" of pod "crash" has restarted 3 times
    And pod "crash" has event "BackOff" with message containing "Back-off restarting failed container app in pod crash_default("

  Scenario: OnFailure does not restart a container that exits 0
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: job
      spec:
        nodeName: node-1
        restartPolicy: OnFailure
        containers:
        - name: app
          image: nginx:1.25
      """
    When container "app" of pod "job" exits with code 0
    Then pod "job" is Succeeded

  Scenario: A container that exits non-zero under Never fails the pod
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: once
      spec:
        nodeName: node-1
        restartPolicy: Never
        containers:
        - name: app
          image: nginx:1.25
      """
    When container "app" of pod "once" exits with code 2
    Then pod "once" is Failed
    And container "app" of pod "once" is terminated with reason "Error"

  Scenario: A new image starts at once: the back-off belongs to the old container spec
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: crash
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: crasher:1
      """
    When I wait 26s
    Then container "app" of pod "crash" is waiting with reason "CrashLoopBackOff"
    And container "app" of pod "crash" has restarted 2 times
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: crash
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
      """
    Then container "app" of pod "crash" is running
    And container "app" of pod "crash" has restarted 3 times
    When I wait 60s
    Then container "app" of pod "crash" is running
    And container "app" of pod "crash" has restarted 3 times

  Scenario: A running container whose image changes is killed and started again, even under Never
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        restartPolicy: Never
        terminationGracePeriodSeconds: 5
        containers:
        - name: app
          image: nginx:1.25
      """
    Then container "app" of pod "web" is running
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        restartPolicy: Never
        terminationGracePeriodSeconds: 5
        containers:
        - name: app
          image: nginx:1.26
      """
    Then pod "web" has event "Killing" with message "Container app definition changed, will be restarted"
    When the cluster settles
    Then container "app" of pod "web" is running
    And container "app" of pod "web" has restarted 1 times
    And pod "web" is Running
