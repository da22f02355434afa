Feature: Rolling updates stay within maxSurge and maxUnavailable
  The Deployment controller rounds maxSurge up and maxUnavailable down
  (ResolveFenceposts); when both come to 0, one pod may be unavailable.
  During a rolling update the pods never exceed replicas + surge and the
  available pods never drop below replicas - unavailable.

  Scenario Outline: <replicas> replicas with maxSurge <surge> and maxUnavailable <unavailable>
    Given a cluster with 3 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: <replicas>
        strategy:
          type: RollingUpdate
          rollingUpdate: {maxSurge: <surge>, maxUnavailable: <unavailable>}
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
    Then within 2m deployment "web" is rolled out
    When I set the image of deployment "web" to "nginx:1.26"
    Then within 5m deployment "web" is rolled out
    And deployment "web" is at revision 2
    And deployment "web" has <replicas> ready replicas
    And during the rollout of deployment "web" there were never more than <most> pods
    And during the rollout of deployment "web" there were never fewer than <least> available pods

    Examples:
      | replicas | surge | unavailable | most | least |
      | 1        | 25%   | 25%         | 2    | 1     |
      | 3        | 25%   | 25%         | 4    | 3     |
      | 4        | 25%   | 25%         | 5    | 3     |
      | 10       | 25%   | 25%         | 13   | 8     |
      | 100      | 25%   | 25%         | 125  | 75    |
      | 10       | 0     | 1           | 10   | 9     |
      | 10       | 1     | 0           | 11   | 10    |
      | 10       | 50%   | 50%         | 15   | 5     |
      | 4        | 50%   | 0           | 6    | 4     |
      | 3        | 0     | 10%         | 3    | 2     |
      | 1        | 0     | 1           | 1    | 0     |
