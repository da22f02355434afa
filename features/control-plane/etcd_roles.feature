Feature: etcd members named by their role
  A spec cannot know which member an election picked, so faults can name
  the leader, its followers, or the stopped members.

  Scenario: Losing and regaining quorum by role
    Given a cluster with 1 nodes
    And etcd has 3 members
    When I stop the etcd followers
    Then within 3s writes to the API fail with "request timed out"
    When I start one stopped etcd member
    Then within 5s writes to the API succeed
    And etcd has a leader
    When I stop the etcd leader
    Then within 5s etcd has no leader
    When I start every stopped etcd member
    Then within 5s etcd has a leader
    And writes to the API succeed
