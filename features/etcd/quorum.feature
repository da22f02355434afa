Feature: etcd keeps the API writable while a majority of its members agree on a leader
  The API server stores everything in etcd, which commits a write once a
  quorum (members/2 + 1) of its members has it. A member that crashes keeps
  its data and rejoins when it starts again. Elections take an election
  timeout of 1s to 1.9s, so steps right after a fault use "within".

  Background:
    Given a cluster with 1 nodes
    And etcd has 3 members

  Scenario: A new cluster has a leader and takes writes
    Then etcd member "etcd-1" is the leader
    And writes to the API succeed

  Scenario: Losing the leader, the other two elect a new one within a couple of seconds
    When I stop etcd member "etcd-1"
    # each survivor still names the dead leader until its own election timeout
    Then etcd member "etcd-1" is the leader
    And writes to the API fail with "etcdserver: request timed out, possibly due to previous leader failure"
    And within 3s writes to the API succeed
    And etcd has a leader

  Scenario: Writes keep working with 2 of 3 members
    When I stop etcd member "etcd-3"
    Then writes to the API succeed
    When I wait 30s
    Then etcd member "etcd-1" is the leader
    And writes to the API succeed

  Scenario: 1 of 3 members cannot elect a leader and writes fail
    When I stop etcd member "etcd-2"
    And I stop etcd member "etcd-3"
    # as on a real etcd, etcd-1 still shows IS LEADER true (and answers "request timed out") until
    # CheckQuorum steps it down about an election timeout later (1.2 s to 1.95 s measured)
    Then etcd member "etcd-1" is the leader
    And writes to the API fail with "etcdserver: request timed out"
    And within 3s etcd has no leader
    And writes to the API fail with "context deadline exceeded"
    When I wait 1m
    Then etcd has no leader
    And writes to the API fail with "context deadline exceeded"

  Scenario: Writes come back when a second member restarts, and the third rejoins without an election
    When I stop etcd member "etcd-2"
    And I stop etcd member "etcd-3"
    And I wait 10s
    Then etcd has no leader
    When I start etcd member "etcd-2"
    Then within 3s writes to the API succeed
    And etcd has a leader
    When I start etcd member "etcd-3"
    And I wait 10s
    Then etcd has a leader
    And writes to the API succeed

  Scenario: Committed objects survive the outage, writes tried during it are gone
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: before-loss
      data: {k: v1}
      """
    And I stop etcd member "etcd-1"
    And I stop etcd member "etcd-2"
    And I wait 5s
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: during-loss
      data: {k: v2}
      """
    Then the request fails with "context deadline exceeded"
    When I start etcd member "etcd-1"
    And I wait 5s
    Then configmap "before-loss" exists
    And configmap "during-loss" does not exist
    And writes to the API succeed
