Feature: Taints and tolerations decide which nodes a pod may use

  Scenario: Every node tainted and no toleration: the canonical message
    Given a cluster with nodes:
      | name   | taints                                         |
      | node-1 | node-role.kubernetes.io/control-plane:NoSchedule |
      | node-2 | node-role.kubernetes.io/control-plane:NoSchedule |
      | node-3 | node-role.kubernetes.io/control-plane:NoSchedule |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles
    Then pod "web" is not scheduled
    And pod "web" has event "FailedScheduling" with message "0/3 nodes are available: 3 node(s) had untolerated taint(s). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    And pod "web" was filtered out of node "node-2" by "TaintToleration"

  Scenario Outline: A <effect> taint keeps out pods that do not tolerate it
    Given a cluster with nodes:
      | name   | taints                |
      | node-1 | dedicated=db:<effect> |
      | node-2 |                       |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-2"
    And pod "web" was filtered out of node "node-1" by "TaintToleration"

    Examples:
      | effect     |
      | NoSchedule |
      | NoExecute  |

  Scenario: A PreferNoSchedule taint only lowers the node's score
    Given a cluster with nodes:
      | name   | taints                       |
      | node-1 | dedicated=db:PreferNoSchedule |
      | node-2 |                              |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-2"

  Scenario: A PreferNoSchedule taint is still used when nothing else fits
    Given a cluster with nodes:
      | name   | taints                        |
      | node-1 | dedicated=db:PreferNoSchedule |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-1"

  Scenario Outline: Toleration operators (<operator>)
    Given a cluster with nodes:
      | name   | taints                  |
      | node-1 | dedicated=db:NoSchedule |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        tolerations:
        - key: "<key>"
          operator: <operator>
          value: "<value>"
          effect: "<effect>"
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles
    Then pod "web" is <outcome>

    Examples:
      | key       | operator | value | effect     | outcome                     |
      | dedicated | Equal    | db    | NoSchedule | scheduled to node "node-1"  |
      | dedicated | Equal    | web   | NoSchedule | not scheduled               |
      | dedicated | Equal    |       | NoSchedule | not scheduled               |
      | dedicated | Exists   |       | NoSchedule | scheduled to node "node-1"  |
      | dedicated | Exists   |       |            | scheduled to node "node-1"  |
      |           | Exists   |       |            | scheduled to node "node-1"  |
      | dedicated | Exists   |       | NoExecute  | not scheduled               |
      | other     | Exists   |       | NoSchedule | not scheduled               |

  Scenario: tolerationSeconds does not matter to the scheduler
    Given a cluster with nodes:
      | name   | taints                 |
      | node-1 | dedicated=db:NoExecute |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        tolerations:
        - key: dedicated
          operator: Equal
          value: db
          effect: NoExecute
          tolerationSeconds: 3600
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-1"

  Scenario: Removing the taint lets the pending pod in
    Given a cluster with nodes:
      | name   | taints                  |
      | node-1 | dedicated=db:NoSchedule |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles
    Then pod "web" is Pending
    When I remove taint "dedicated" from node "node-1"
    Then within 2s pod "web" is scheduled to node "node-1"
