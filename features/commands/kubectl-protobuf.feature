Feature: kubectl's typed clients send protobuf, and the steps see what they made
  `kubectl create namespace/configmap/secret/deployment`, `auth can-i` and drain's DeleteOptions send
  their bodies as protobuf (application/vnd.kubernetes.protobuf); the simulated API server decodes them as
  kube-apiserver does. Skipped when kubectl is not installed (pip install kspec[clients]).

  Background:
    Given a cluster with 2 nodes

  Scenario: kubectl create makes the objects the steps then see
    When I run "kubectl create namespace team-a"
    Then the command succeeds
    And the output is:
      """
      namespace/team-a created
      """
    And namespace "team-a" exists
    When I run "kubectl create configmap settings --from-literal=mode=fast -n team-a"
    Then the output is:
      """
      configmap/settings created
      """
    And configmap "settings" exists in namespace "team-a"
    When I run "kubectl create deployment web --image=nginx --replicas=2"
    Then the command succeeds
    And within 1m there are 2 running pods labeled "app=web"

  Scenario: kubectl auth can-i --as answers what the access steps answer
    When I run "kubectl auth can-i list pods --as jane"
    Then the command fails
    And the output is:
      """
      no
      """
    And user "jane" cannot list pods
    When I run "kubectl create rolebinding jane-view --clusterrole=view --user=jane"
    Then the command succeeds
    And user "jane" can list pods
    When I run "kubectl auth can-i list pods --as jane"
    Then the command succeeds
    And the output is:
      """
      yes
      """

  Scenario: kubectl drain deletes with DeleteOptions sent as protobuf
    When I run "kubectl create deployment web --image=nginx --replicas=4"
    And the cluster settles
    And I run "kubectl drain node-1 --ignore-daemonsets --disable-eviction --grace-period=5"
    Then the command succeeds
    And the output contains "node/node-1 drained"
    And within 1m there are 4 running pods labeled "app=web"
    When I run "kubectl get pods -o custom-columns=NODE:.spec.nodeName --no-headers"
    Then the output is:
      """
      node-2
      node-2
      node-2
      node-2
      """
