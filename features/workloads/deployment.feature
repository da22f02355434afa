Feature: Deployments roll out ReplicaSets, keep history and roll back
  A Deployment owns one ReplicaSet per pod template, named
  <deployment>-<pod-template-hash>; each new template is a new revision.
  `kubectl rollout undo` copies an old template back, which becomes the
  newest revision.

  Background:
    Given a cluster with 3 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
        revisionHistoryLimit: 1
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.25
      """

  Scenario: A new Deployment scales up its first ReplicaSet
    Then within 1m deployment "web" is rolled out
    And deployment "web" is at revision 1
    And deployment "web" has 3 ready replicas
    And there are 3 running pods labeled "app=web"
    And deployment "web" has condition "Progressing" with reason "NewReplicaSetAvailable"
    And deployment "web" has condition "Available" with reason "MinimumReplicasAvailable"
    And deployment "web" has event "ScalingReplicaSet" with message containing "from 0 to 3"
    And kubectl get deployments shows:
      | NAME | READY | UP-TO-DATE | AVAILABLE |
      | web  | 3/3   | 3          | 3         |

  Scenario: Changing the image rolls out revision 2 and scaling the old set down
    Then within 1m deployment "web" is rolled out
    When I set the image of deployment "web" to "nginx:1.26"
    Then within 2m deployment "web" is rolled out
    And deployment "web" is at revision 2
    And deployment "web" has event "ScalingReplicaSet" with message containing "Scaled down replica set"
    And there are 3 pods labeled "app=web"

  Scenario: Rolling back returns to the previous template as a new revision
    Then within 1m deployment "web" is rolled out
    When I set the image of deployment "web" to "nginx:1.26"
    Then within 2m deployment "web" is rolled out
    When I roll back deployment "web"
    Then within 2m deployment "web" is rolled out
    And deployment "web" is at revision 3
    And deployment "web" has 3 ready replicas

  Scenario: Rolling back to a named revision
    Then within 1m deployment "web" is rolled out
    When I set the image of deployment "web" to "nginx:1.26"
    Then within 2m deployment "web" is rolled out
    When I roll back deployment "web" to revision 1
    Then within 2m deployment "web" is rolled out
    And deployment "web" is at revision 3

  Scenario: Old ReplicaSets beyond revisionHistoryLimit are deleted
    Then within 1m deployment "web" is rolled out
    When I set the image of deployment "web" to "nginx:1.26"
    Then within 2m deployment "web" is rolled out
    When I set the image of deployment "web" to "nginx:1.27"
    Then within 2m deployment "web" is rolled out
    And deployment "web" is at revision 3
    When the cluster settles
    Then deployment "web" has 2 replica sets
    And there are 3 pods labeled "app=web"

  Scenario: Scaling changes the ReplicaSet, not the revision
    Then within 1m deployment "web" is rolled out
    When I scale deployment "web" to 5 replicas
    Then within 1m deployment "web" has 5 ready replicas
    And deployment "web" is at revision 1
    And deployment "web" has event "ScalingReplicaSet" with message containing "to 5 from 3"

  Scenario: A paused Deployment does not roll out until resumed
    Then within 1m deployment "web" is rolled out
    When I pause deployment "web"
    And I set the image of deployment "web" to "nginx:1.26"
    And I wait 30s
    Then deployment "web" is at revision 1
    And deployment "web" has condition "Progressing" with reason "DeploymentPaused"
    When I resume deployment "web"
    Then within 2m deployment "web" is rolled out
    And deployment "web" is at revision 2

  Scenario: A rollout that cannot make progress exceeds its deadline
    Then within 1m deployment "web" is rolled out
    Given image "nginx:broken" does not exist
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
        progressDeadlineSeconds: 60
        revisionHistoryLimit: 1
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:broken
      """
    Then within 3m deployment "web" has condition "Progressing" with reason "ProgressDeadlineExceeded"
    And deployment "web" has 3 ready replicas
