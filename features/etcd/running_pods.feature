Feature: Pods that already run keep running while etcd has no quorum
  The kubelet's containers do not need the API: while etcd cannot commit,
  status updates fail and are retried, and running pods stay Running.

  Scenario: An etcd outage does not stop running pods
    Given a cluster with 2 nodes
    And etcd has 3 members
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
    Then within 30s pod "web" is Running
    When I stop etcd member "etcd-2"
    And I stop etcd member "etcd-3"
    Then within 3s etcd has no leader
    And within 3s writes to the API fail with "context deadline exceeded"
    When I wait 2m
    Then pod "web" is still Running
    And container "app" of pod "web" is running
    When I start etcd member "etcd-3"
    Then within 5s writes to the API succeed
    And pod "web" is Running
