Feature: Nodes join a running cluster
  `When I add node` registers a Ready node with the defaults of `a cluster
  with N nodes`; `When I add nodes:` takes the table of `a cluster with
  nodes:`. The scheduler, the DaemonSet controller and kube-proxy see the
  new node at once, and it gets the next free pod CIDR.

  Background:
    Given a cluster with nodes:
      | name   | cpu |
      | node-1 | 1   |
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
              resources:
                requests: {cpu: 600m}
      ---
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels: {app: agent}
        template:
          metadata:
            labels: {app: agent}
          spec:
            containers:
            - name: agent
              image: fluentd:1.16
      """
    And the cluster settles

  Scenario: A pending pod is scheduled to a node that joins
    Then deployment "web" has 1 ready replicas
    And daemonset "agent" runs on nodes "node-1"
    When I add node "node-2"
    Then within 1m deployment "web" has 2 ready replicas
    And within 1m daemonset "agent" runs on nodes "node-1, node-2"
    And kubectl get nodes shows:
      | NAME   | STATUS |
      | node-2 | Ready  |
    And the field "{.spec.podCIDR}" of node "node-2" is "10.244.1.0/24"
    And the field "{.status.capacity.cpu}" of node "node-2" is "4"
    And within 5s node "node-2" has event "RegisteredNode" with message "Node node-2 event: Registered Node node-2 in Controller"

  Scenario: Nodes described by a table join
    When I add nodes:
      | name   | cpu | zone | labels   | taints                  |
      | node-5 | 8   | z2   | disk=ssd | dedicated=db:NoSchedule |
      | node-6 |     |      |          |                         |
    Then the field "{.metadata.labels.topology\.kubernetes\.io/zone}" of node "node-5" is "z2"
    And the field "{.metadata.labels.disk}" of node "node-5" is "ssd"
    And the field "{.status.capacity.cpu}" of node "node-5" is "8"
    And the field "{.spec.taints[0].key}={.spec.taints[0].value}:{.spec.taints[0].effect}" of node "node-5" is "dedicated=db:NoSchedule"
    And the field "{.spec.taints}" of node "node-6" is empty
    And within 1m deployment "web" has 2 ready replicas
    And within 1m daemonset "agent" runs on nodes "node-1, node-6"
