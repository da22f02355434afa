Feature: A cluster with replicated schedulers and controller managers settles
  Lease renewals and the followers' election retries are periodic work, as
  kubelet heartbeats are: "When the cluster settles" returns once nothing else
  changes. A Lease left unrenewed is not settled: a follower is due to take
  it over, and settling waits for that.

  Scenario: Replicas that elected their leaders settle
    Given a cluster with 2 nodes
    And the control plane runs 3 schedulers
    And the control plane runs 2 controller managers
    When the cluster settles
    Then scheduler "kube-scheduler-1" is the leader
    And controller manager "kube-controller-manager-1" is the leader

  Scenario: Settling waits for a follower to take over a stopped leader's Lease
    Given a cluster with 2 nodes
    And the control plane runs 2 schedulers
    When I wait 5s
    And I stop the leading scheduler
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: waiting
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles
    Then scheduler "kube-scheduler-2" is the leader
    And pod "waiting" is Running
