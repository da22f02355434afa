Feature: Schedulers fail over through their Lease
  With several kube-scheduler replicas, the one that holds the Lease
  kube-system/kube-scheduler schedules; the others retry every 2s (jittered)
  and take the Lease over only once they have seen it unrenewed for its
  lease duration (15s). A pod created while nobody leads stays Pending
  until a new leader starts.

  Scenario: A stopped leading scheduler is replaced within the lease duration
    Given a cluster with 2 nodes
    And the control plane runs 3 schedulers
    When I wait 5s
    Then scheduler "kube-scheduler-1" is the leader
    And the field "{.spec.leaseTransitions}" of lease "kube-scheduler" is "0" in namespace "kube-system"
    And the field "{.spec.leaseDurationSeconds}" of lease "kube-scheduler" is "15" in namespace "kube-system"
    When I stop the leading scheduler
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
    And I wait 10s
    Then pod "waiting" is not scheduled
    And pod "waiting" is Pending
    Then within 15s a scheduler leads
    And scheduler "kube-scheduler-3" is the leader
    And pod "waiting" is Running
    And the field "{.spec.holderIdentity}" of lease "kube-scheduler" is "kube-scheduler-3_04599c38-1aed-49d3-8d70-261e798ade7a" in namespace "kube-system"
    And the field "{.spec.leaseTransitions}" of lease "kube-scheduler" is "1" in namespace "kube-system"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: later
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "later" is Running

  Scenario: The stopped replica comes back as a follower
    Given a cluster with 1 nodes
    And the control plane runs 2 schedulers
    When I stop the leading scheduler
    Then within 30s scheduler "kube-scheduler-2" is the leader
    When I start scheduler "kube-scheduler-1"
    And I wait 1m
    Then scheduler "kube-scheduler-2" is the leader
    And the field "{.spec.leaseTransitions}" of lease "kube-scheduler" is "1" in namespace "kube-system"
