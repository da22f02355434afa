Feature: Pod lifecycle on the kubelet

  Background:
    Given a cluster with 1 nodes

  Scenario: A pod starts and becomes ready at once
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is Running
    And pod "web" is ready
    And container "app" of pod "web" is running
    And pod "web" has event "Started" with message "Container started"
    And pod "web" has QoS class "BestEffort"
    And kubectl get pods shows:
      | NAME | READY | STATUS  | RESTARTS |
      | web  | 1/1   | Running | 0        |

  Scenario: A slow pull shows ContainerCreating, then Pulled with its duration
    Given image "big:1" takes 30s to pull
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: big
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: big:1
      """
    Then container "app" of pod "big" is waiting with reason "ContainerCreating"
    And pod "big" is Pending
    And pod "big" has event "Pulling" with message containing "Pulling image"
    When I wait 29s
    Then pod "big" is Pending
    When I wait 1s
    Then pod "big" is Running
    And pod "big" has event "Pulled" with message containing "in 30s (30s including waiting)"

  Scenario: A missing image gives ErrImagePull, then ImagePullBackOff with upstream's back-off
    Given image "nope:1" does not exist
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: nope
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nope:1
      """
    Then container "app" of pod "nope" is waiting with reason "ErrImagePull"
    And pod "nope" has event "Failed" with message "Error: ErrImagePull"
    When I wait 1s
    Then container "app" of pod "nope" is waiting with reason "ImagePullBackOff"
    And kubectl get pods shows:
      | NAME | READY | STATUS           |
      | nope | 0/1   | ImagePullBackOff |
    And pod "nope" has event "BackOff" with message containing "Back-off pulling image"
    When I wait 9s
    Then container "app" of pod "nope" is waiting with reason "ErrImagePull"

  Scenario: Pull policy Never with the image absent
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: never
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: local:1
          imagePullPolicy: Never
      """
    Then container "app" of pod "never" is waiting with reason "ErrImageNeverPull"
    And pod "never" has event "ErrImageNeverPull" with message containing "is not present with pull policy of Never"

  Scenario: Init containers run in order and the pod shows Init:0/1
    Given image "migrate:1" exits with code 0 after 5s
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        nodeName: node-1
        initContainers:
        - name: migrate
          image: migrate:1
        containers:
        - name: app
          image: postgres:16
      """
    Then kubectl get pods shows:
      | NAME | READY | STATUS   |
      | db   | 0/1   | Init:0/1 |
    And container "app" of pod "db" is waiting with reason "PodInitializing"
    And pod "db" is Pending
    When I wait 5s
    Then pod "db" is Running
    And container "migrate" of pod "db" is terminated with reason "Completed"

  Scenario: A failed init container fails a pod that never restarts
    Given image "migrate:bad" exits with code 3 after 2s
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        nodeName: node-1
        restartPolicy: Never
        initContainers:
        - name: migrate
          image: migrate:bad
        containers:
        - name: app
          image: postgres:16
      """
    When I wait 2s
    Then pod "db" is Failed
    And kubectl get pods shows:
      | NAME | STATUS       |
      | db   | Init:Error   |

  Scenario: A job-like pod succeeds
    Given image "batch:1" exits with code 0 after 10s
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
        - name: work
          image: batch:1
      """
    Then pod "once" is Running
    When I wait 10s
    Then pod "once" is Succeeded
    And container "work" of pod "once" is terminated with reason "Completed"
    And kubectl get pods shows:
      | NAME | READY | STATUS    |
      | once | 0/1   | Completed |

  Scenario: The kubelet rejects a pod that does not fit the node
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: huge
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests:
              cpu: "8"
      """
    Then pod "huge" is Failed
    And pod "huge" has event "OutOfcpu" with message "Node didn't have enough resource: cpu, requested: 8000, used: 0, capacity: 4000"
