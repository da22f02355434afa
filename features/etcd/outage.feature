Feature: A two-minute etcd outage evicts no pod, and the cluster catches up afterwards
  With two of three etcd members down nothing can be committed. The kubelets
  keep their containers running and retry their Lease and status updates; the
  controllers' writes fail and are retried with back-off. When etcd is back,
  every node's Lease is two minutes old at once: the node lifecycle controller
  marks every node Unknown, sees the whole zone down (FullDisruption) and, as
  every zone is, taints no node NoExecute, so nothing is evicted, not even a
  pod that tolerates an unreachable node for 0 seconds. The kubelets' next
  heartbeats make the nodes Ready again.

  Scenario: After a 2-minute outage on 3 nodes no pod was evicted and every pod is still Running
    # node-3 joins later, so its kubelet heartbeats out of step with the others: after the outage it is
    # still Unknown when the node lifecycle controller looks again, as happens on real clusters
    Given a cluster with 2 nodes
    And etcd has 3 members
    When I wait 3s
    And I add node "node-3"
    And I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.25
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: fast-failover
      spec:
        nodeName: node-3
        tolerations:
        - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 0}
        - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 0}
        containers:
        - name: app
          image: nginx:1.25
      """
    Then within 30s there are 3 running pods labeled "app=web"
    And within 30s pod "fast-failover" is Running
    When I stop etcd member "etcd-2"
    And I stop etcd member "etcd-3"
    And I wait 2m
    Then pod "fast-failover" is still Running
    And pod "deployment/web#0" is still Running
    When I start etcd member "etcd-2"
    And I start etcd member "etcd-3"
    Then within 10s node "node-1" has condition "Ready" with status "Unknown"
    And node "node-2" has condition "Ready" with status "Unknown"
    And node "node-3" has condition "Ready" with status "Unknown"
    And within 30s kubectl get nodes shows:
      | NAME   | STATUS |
      | node-1 | Ready  |
      | node-2 | Ready  |
      | node-3 | Ready  |
    When I wait 5m
    Then pod "fast-failover" is still Running
    And pod "fast-failover" has no event "TaintManagerEviction"
    And pod "deployment/web#0" has no event "TaintManagerEviction"
    And pod "deployment/web#1" has no event "TaintManagerEviction"
    And pod "deployment/web#2" has no event "TaintManagerEviction"
    And there are 3 running pods labeled "app=web"

  Scenario: During the outage kubectl get times out in kube-apiserver and a write fails with etcd's message
    Given a cluster with 3 nodes
    And etcd has 3 members
    When I stop the etcd followers
    # etcd keeps the watch cache's watch until it has had no leader for 3 election timeouts
    And I try to list pods with resourceVersion "0"
    Then the request succeeds
    When I wait 5s
    # a consistent list asks etcd for its current revision first; the etcd client retries that read until
    # the request's 60s deadline, where kube-apiserver's timeout filter answers 504
    And I try to list pods
    Then the request fails with "Timeout: request did not complete within the allotted timeout"
    # etcd cancelled the watch cache's watch (no leader for 3 election timeouts): it re-initializes
    When I try to list pods with resourceVersion "0"
    Then the request fails with "storage is (re)initializing"
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: during-outage
      data: {k: v}
      """
    Then the request fails with "rpc error: code = Unknown desc = context deadline exceeded"
    When I start every stopped etcd member
    And I try to list pods
    Then the request succeeds
    And within 5s writes to the API succeed

  Scenario: A Job whose pod finishes during a short outage completes once etcd is back
    Given a cluster with 3 nodes
    And etcd has 3 members
    Given image "batch:1" exits with code 0 after 20s
    When I apply:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: report
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: report
              image: batch:1
      """
    Then within 10s job "report" has 1 active pods
    When I stop the etcd followers
    And I wait 30s
    # the container exited at 20s; the kubelet could not post it, so the Job controller has not seen it
    Then job "report" has 0 succeeded pods
    # too short for any node to go Unknown: the kubelet's status manager sends the refused status again on
    # its own, and the Job controller's informer delivers it
    When I start every stopped etcd member
    Then within 15s job "report" has 1 succeeded pods
    And within 5s job "report" is complete
    And kubectl get nodes shows:
      | NAME   | STATUS |
      | node-1 | Ready  |

  Scenario: A Deployment refused at the start of the outage commits on recovery, and its controllers catch up
    Given a cluster with 3 nodes
    And etcd has 3 members
    When I stop etcd member "etcd-2"
    And I stop etcd member "etcd-3"
    # etcd-1 still leads without a quorum: it appends the write, and the client is told it timed out
    And I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: api
      spec:
        replicas: 2
        selector:
          matchLabels: {app: api}
        template:
          metadata:
            labels: {app: api}
          spec:
            containers:
            - name: app
              image: nginx:1.25
      """
    Then the request fails with "etcdserver: request timed out"
    When I wait 2m
    Then deployment "api" does not exist
    When I start etcd member "etcd-2"
    Then within 10s deployment "api" exists
    And within 30s there are 2 running pods labeled "app=api"
