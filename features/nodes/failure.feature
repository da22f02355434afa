Feature: A node that stops responding

  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-2
        containers:
        - name: app
          image: nginx:1.25
      """

  Scenario: 50s to Unknown, then 300s of tolerations before the pod is evicted
    When node "node-2" stops responding
    And I wait 45s
    Then kubectl get nodes shows:
      | NAME   | STATUS |
      | node-2 | Ready  |
    Then within 15s pod "web" is not ready
    And kubectl get nodes shows:
      | NAME   | STATUS   |
      | node-2 | NotReady |
    And pod "web" is still Running
    And pod "web" has event "NodeNotReady" with message "Node is not ready"
    And node "node-2" has event "NodeNotReady" with message "Node node-2 status is now: NodeNotReady"
    When I wait 295s
    Then pod "web" exists
    Then within 10s pod "web" has event "TaintManagerEviction"
    And kubectl get pods shows:
      | NAME | STATUS      |
      | web  | Terminating |
    And pod "web" has event "TaintManagerEviction" with message "Marking for deletion Pod default/web"
    When I wait 5m
    Then pod "web" exists

  Scenario: The node comes back and the terminating pod goes
    When node "node-2" stops responding
    And I wait 7m
    Then pod "web" exists
    When node "node-2" comes back
    Then pod "web" does not exist
    And kubectl get nodes shows:
      | NAME   | STATUS |
      | node-2 | Ready  |

  Scenario: Coming back before the tolerations run out cancels the eviction
    When node "node-2" stops responding
    And I wait 2m
    And node "node-2" comes back
    And I wait 5s
    Then pod "web" is ready
    And pod "web" has event "TaintManagerEviction" with message "Cancelling deletion of Pod default/web"

  Scenario: When every node stops responding, nothing is evicted (the zone is fully disrupted)
    When node "node-1" stops responding
    And node "node-2" stops responding
    And I wait 7m
    Then kubectl get nodes shows:
      | NAME   | STATUS   |
      | node-1 | NotReady |
      | node-2 | NotReady |
    And pod "web" exists
    And pod "web" has no event "TaintManagerEviction"
