Feature: Events are kept for an hour, even after their object is gone
  kube-apiserver stores every Event with a TTL of --event-ttl (1h), renewed
  by each update of the Event, so events outlive the object they are about:
  event assertions still see them after the object is deleted, until an
  hour after their last update.

  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 2
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.25
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: solo
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles

  Scenario: Negative event assertions for pods and workloads
    Then pod "solo" has event "Scheduled"
    And pod "solo" has no event "Killing"
    And pod "solo" has no event "FailedScheduling"
    And pod "deployment/web#0" has no event "BackOff"
    And deployment "web" has event "ScalingReplicaSet"
    And deployment "web" has no event "DeploymentRollback"
    And node "node-1" has no event "NodeNotReady"

  Scenario: A deleted pod's events are still there, until an hour after their last update
    When I delete pod "solo"
    And the cluster settles
    Then pod "solo" does not exist
    And pod "solo" has event "Killing" with message "Stopping container app"
    And pod "solo" has event "Scheduled"
    When I wait 59m
    Then pod "solo" has event "Killing"
    When I wait 1m
    Then pod "solo" has no event "Killing"
    And pod "solo" has no event "Scheduled"

  Scenario: A deleted Deployment's events are still there
    When I delete deployment "web"
    And the cluster settles
    Then deployment "web" does not exist
    And there are 0 pods labeled "app=web"
    And deployment "web" has event "ScalingReplicaSet" with message containing "from 0 to 2"
    When I wait 1h
    Then deployment "web" has no event "ScalingReplicaSet"

  Scenario: An event repeated later lives an hour after its last repeat
    The container crashes with a growing back-off (capped at 5 minutes); its
    last BackOff before the delete at 30m is at 25m51s, its Scheduled at 0s.
    Given image "busybox:crash" exits with code 1 after 1s
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: crasher
      spec:
        containers:
        - name: app
          image: busybox:crash
      """
    And I wait 30m
    Then pod "crasher" has event "BackOff"
    When I delete pod "crasher"
    And I wait 55m
    Then pod "crasher" has event "BackOff"
    And pod "crasher" has no event "Scheduled"
    When I wait 1m
    Then pod "crasher" has no event "BackOff"
