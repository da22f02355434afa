Feature: The cluster settles while an etcd member is frozen or cut off
  Settling waits while a member will still change: it campaigns, or a leader
  without a quorum is about to step down. A paused member changes nothing
  until it is resumed, and a member cut off from a majority that has a leader
  only sends pre-votes that fail (its term stays), so neither keeps the
  cluster from settling.

  Scenario: A paused leader is replaced and the cluster settles
    Given a cluster with 2 nodes
    And etcd has 3 members
    When I pause etcd member "etcd-1"
    And the cluster settles
    Then etcd has a leader
    And writes to the API succeed

  Scenario: A leader cut off by a partition steps down and the cluster settles
    Given a cluster with 2 nodes
    And etcd has 3 members
    When I partition etcd members "etcd-1" from "etcd-2, etcd-3"
    And the cluster settles
    Then etcd has a leader
    And writes to the API succeed
    When I heal the etcd partition
    And the cluster settles
    Then writes to the API succeed
