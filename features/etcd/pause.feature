Feature: A paused etcd member is frozen, not crashed
  A member whose process is stopped with SIGSTOP (a long GC pause, a frozen
  VM) takes no ticks and processes nothing, but what is sent to it waits and
  is processed when it continues. Its followers still name it as their leader
  until their election timeout; then they elect another. When the old leader
  resumes, the first message of the newer term makes it step down.

  Background:
    Given a cluster with 1 nodes
    And etcd has 3 members

  Scenario: The others replace a paused leader; resumed, it follows the new one
    When I pause etcd member "etcd-1"
    Then etcd member "etcd-1" is the leader
    And within 3s writes to the API succeed
    When I wait 2s
    And I resume etcd member "etcd-1"
    And I wait 20ms
    Then etcd has a leader
    And writes to the API succeed

  Scenario: Pausing the leader by role
    When I pause the etcd leader
    Then within 3s writes to the API succeed
    When I resume etcd member "etcd-1"
    Then within 1s etcd has a leader
