Feature: StatefulSets give pods stable names and start them in order
  Pods are <set>-<ordinal> with a matching hostname, the service as
  subdomain, and the pod-name and pod-index labels. With OrderedReady the
  next ordinal waits until the previous pod is Running and Ready; scale-down
  starts from the highest ordinal. Claims from volumeClaimTemplates are
  named <claim>-<set>-<ordinal>.

  Background:
    Given a cluster with 3 nodes

  Scenario: Ordinal pods wait for their predecessor to be ready
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: nginx
        replicas: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.25
              readinessProbe:
                httpGet: {path: /, port: 80}
                initialDelaySeconds: 20
      """
    Then pod "web-0" exists
    And pod "web-1" does not exist
    And within 1m pod "web-1" exists
    And pod "web-2" does not exist
    And within 2m statefulset "web" has 3 ready replicas
    And pod "web-2" is ready
    And statefulset "web" has event "SuccessfulCreate" with message "create Pod web-0 in StatefulSet web successful"

  Scenario: Identity labels, hostname and subdomain
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: db
        replicas: 2
        selector:
          matchLabels: {app: db}
        template:
          metadata:
            labels: {app: db}
          spec:
            containers:
            - name: db
              image: postgres:17
      """
    Then within 1m statefulset "db" has 2 ready replicas
    And there are 1 pods labeled "statefulset.kubernetes.io/pod-name=db-1,apps.kubernetes.io/pod-index=1"
    And kubectl get pods -o wide shows:
      | NAME | STATUS  |
      | db-0 | Running |
      | db-1 | Running |

  Scenario: Scaling down removes the highest ordinal first
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: nginx
        replicas: 3
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
    Then within 1m statefulset "web" has 3 ready replicas
    When I scale statefulset "web" to 1 replicas
    Then within 2m pod "web-2" does not exist
    And within 2m pod "web-1" does not exist
    And pod "web-0" is Running
    And statefulset "web" has event "SuccessfulDelete" with message "delete Pod web-2 in StatefulSet web successful"

  Scenario: A rolling update with a partition only replaces ordinals at or above it
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: nginx
        replicas: 3
        updateStrategy:
          type: RollingUpdate
          rollingUpdate: {partition: 1}
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
    Then within 1m statefulset "web" has 3 ready replicas
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: nginx
        replicas: 3
        updateStrategy:
          type: RollingUpdate
          rollingUpdate: {partition: 1}
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.26
      """
    And the cluster settles
    Then statefulset "web" has 2 updated replicas
    And statefulset "web" has 3 ready replicas
    And pod "web-1" has event "Pulling" with message containing "nginx:1.26"
    And pod "web-2" has event "Pulling" with message containing "nginx:1.26"
    And pod "web-0" has event "Pulling" with message containing "nginx:1.25"

  Scenario: Volume claim templates create one claim per ordinal
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: db
        replicas: 2
        podManagementPolicy: Parallel
        selector:
          matchLabels: {app: db}
        template:
          metadata:
            labels: {app: db}
          spec:
            containers:
            - name: db
              image: postgres:17
              volumeMounts:
              - {name: data, mountPath: /var/lib/postgresql}
        volumeClaimTemplates:
        - metadata:
            name: data
          spec:
            accessModes: [ReadWriteOnce]
            resources:
              requests: {storage: 1Gi}
      """
    Then persistentvolumeclaim "data-db-0" exists
    And persistentvolumeclaim "data-db-1" exists
    And pod "db-0" exists
    And pod "db-1" exists
