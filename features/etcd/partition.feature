Feature: A partitioned minority of etcd members cannot elect a leader; the majority keeps one
  Members on opposite sides of a partition cannot exchange messages. With
  pre-vote (etcd's default since 3.5) a member cut off from the majority
  cannot win an election and does not raise its term, so when the partition
  heals it rejoins without disturbing the leader.

  Background:
    Given a cluster with 1 nodes
    And etcd has 3 members

  Scenario: A follower cut off from the others changes nothing for the API
    When I partition etcd members "etcd-3" from "etcd-1, etcd-2"
    Then writes to the API succeed
    When I wait 30s
    Then etcd member "etcd-1" is the leader
    And writes to the API succeed
    When I heal the etcd partition
    And I wait 10s
    Then etcd member "etcd-1" is the leader
    And writes to the API succeed

  Scenario: A leader cut off in a minority steps down and the majority elects another
    When I partition etcd members "etcd-1" from "etcd-2, etcd-3"
    Then etcd member "etcd-1" is the leader
    And writes to the API fail with "etcdserver: request timed out"
    And within 3s writes to the API succeed
    When I wait 30s
    Then etcd has a leader
    And writes to the API succeed
    When I heal the etcd partition
    And I wait 10s
    Then etcd has a leader
    And writes to the API succeed

  Scenario: Split into groups too small to elect, then healed
    When I partition etcd members "etcd-1" from "etcd-2, etcd-3"
    And I wait 5s
    And I partition etcd members "etcd-2" from "etcd-3"
    Then within 3s etcd has no leader
    And within 3s writes to the API fail with "context deadline exceeded"
    When I wait 1m
    Then etcd has no leader
    When I heal the etcd partition
    Then within 3s etcd has a leader
    And writes to the API succeed
