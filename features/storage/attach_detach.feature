Feature: Attaching volumes: a ReadWriteOnce volume is attached to one node at a time

  Background:
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
      | node-2 | z1   |
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: disk
      provisioner: ebs.csi.aws.com
      volumeBindingMode: WaitForFirstConsumer
      """

  Scenario: A StatefulSet pod moved off a vanished node waits for the forced detach, then has its data
    When I cordon node "node-1"
    And I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        replicas: 1
        serviceName: db
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec:
            containers:
            - name: app
              image: postgres:16
              volumeMounts: [{name: data, mountPath: /var/lib/data}]
        volumeClaimTemplates:
        - metadata: {name: data}
          spec:
            storageClassName: disk
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
      """
    Then within 1m pod "db-0" is ready
    And pod "db-0" is scheduled to node "node-2"
    And pod "db-0" has event "SuccessfulAttachVolume"
    When container "app" of pod "db-0" writes "row 1" to "/var/lib/data/table"
    And I uncordon node "node-1"
    And node "node-2" stops responding
    And I delete node "node-2"
    Then within 1m pod "db-0" is scheduled to node "node-1"
    And within 10s pod "db-0" has event "FailedAttachVolume" with message containing "Volume is already exclusively attached to one node and can't be attached to another"
    When I wait 5m
    Then pod "db-0" is not ready
    And within 3m pod "db-0" is ready
    And the file "/var/lib/data/table" in container "app" of pod "db-0" contains "row 1"

  Scenario: A drained node's volume is detached once its kubelet unmounted it, then attached where the pod went
    When I cordon node "node-1"
    And I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        replicas: 1
        serviceName: db
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec:
            containers:
            - name: app
              image: postgres:16
              volumeMounts: [{name: data, mountPath: /var/lib/data}]
        volumeClaimTemplates:
        - metadata: {name: data}
          spec:
            storageClassName: disk
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
      """
    Then within 1m pod "db-0" is ready
    When container "app" of pod "db-0" writes "row 1" to "/var/lib/data/table"
    And I uncordon node "node-1"
    And I drain node "node-2"
    Then within 2m pod "db-0" is ready
    And pod "db-0" is scheduled to node "node-1"
    And the file "/var/lib/data/table" in container "app" of pod "db-0" contains "row 1"
    And the field "status.volumesInUse" of node "node-2" is empty
    And the field "status.volumesAttached" of node "node-2" is empty

  Scenario: The out-of-service taint on a node that shut down detaches its volumes at once
    When I cordon node "node-1"
    And I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        replicas: 1
        serviceName: db
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec:
            containers:
            - name: app
              image: postgres:16
              volumeMounts: [{name: data, mountPath: /var/lib/data}]
        volumeClaimTemplates:
        - metadata: {name: data}
          spec:
            storageClassName: disk
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
      """
    Then within 1m pod "db-0" is ready
    When container "app" of pod "db-0" writes "row 1" to "/var/lib/data/table"
    And I uncordon node "node-1"
    And node "node-2" stops responding
    And I wait 1m
    And I taint node "node-2" with "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"
    Then within 1m pod "db-0" is ready
    And pod "db-0" is scheduled to node "node-1"
    And pod "db-0" has event "SuccessfulAttachVolume"
    And the file "/var/lib/data/table" in container "app" of pod "db-0" contains "row 1"

  Scenario: A second pod using a ReadWriteOnce claim on another node is told which pod holds the volume
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: disk
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: first
      spec:
        nodeSelector: {kubernetes.io/hostname: node-1}
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then within 1m pod "first" is ready
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: second
      spec:
        nodeSelector: {kubernetes.io/hostname: node-2}
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then within 10s pod "second" has event "FailedAttachVolume" with message containing "Volume is already used by pod(s) first"
    And pod "second" is Pending
    When I delete pod "first"
    Then within 1m pod "second" is ready

  Scenario: A Deployment's replacement pod cannot attach the volume its old pod on an unreachable node still holds
    When I cordon node "node-1"
    And I apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: disk
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 1
        strategy: {type: Recreate}
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: app
              image: nginx:1.25
              volumeMounts: [{name: data, mountPath: /data}]
            volumes:
            - name: data
              persistentVolumeClaim: {claimName: data}
      """
    Then within 1m pod "deployment/web#0" is ready
    When I uncordon node "node-1"
    And node "node-2" stops responding
    And I wait 7m
    Then pod "deployment/web#0" is scheduled to node "node-1"
    And pod "deployment/web#0" has event "FailedAttachVolume" with message containing "Volume is already used by pod(s) web-"
    And pod "deployment/web#0" is not ready
    When I wait 10m
    Then pod "deployment/web#0" is not ready
