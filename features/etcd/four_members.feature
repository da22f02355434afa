Feature: An even number of etcd members tolerates no more failures than one fewer
  A quorum of 4 members is 3, so a 4-member cluster survives one failure,
  like a 3-member cluster, while a 5-member cluster survives two.

  Scenario: 4 members survive one failure but not two
    Given a cluster with 1 nodes
    And etcd has 4 members
    When I stop etcd member "etcd-1"
    Then etcd member "etcd-1" is the leader
    And within 3s writes to the API succeed
    And etcd has a leader
    When I stop etcd member "etcd-2"
    # the leader steps down at its next CheckQuorum (1-2s); its follower names it until its own timeout
    Then within 5s etcd has no leader
    And within 3s writes to the API fail with "context deadline exceeded"
    When I start etcd member "etcd-2"
    Then within 3s writes to the API succeed
    And etcd has a leader

  Scenario: 5 members survive two failures
    Given a cluster with 1 nodes
    And etcd has 5 members
    When I stop etcd member "etcd-4"
    And I stop etcd member "etcd-5"
    Then writes to the API succeed
    When I wait 30s
    Then etcd member "etcd-1" is the leader
    And writes to the API succeed
