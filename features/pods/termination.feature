Feature: Graceful termination

  Background:
    Given a cluster with 1 nodes

  Scenario: A pod that exits promptly on SIGTERM disappears at once
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
    And I delete pod "web"
    Then pod "web" does not exist
    
  Scenario: preStop runs first, then SIGTERM; the pod is Terminating meanwhile
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
          lifecycle:
            preStop:
              sleep:
                seconds: 10
      """
    And I delete pod "web"
    Then pod "web" exists
    And pod "web" has event "Killing" with message "Stopping container app"
    And kubectl get pods shows:
      | NAME | STATUS      |
      | web  | Terminating |
    When I wait 9s
    Then pod "web" exists
    When I wait 1s
    Then pod "web" does not exist

  Scenario: SIGKILL when the grace period runs out
    Given image "stubborn:1" takes 2m to stop
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        terminationGracePeriodSeconds: 30
        containers:
        - name: app
          image: stubborn:1
      """
    And I delete pod "web"
    And I wait 29s
    Then pod "web" exists
    When I wait 1s
    Then pod "web" does not exist
