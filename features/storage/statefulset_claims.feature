Feature: StatefulSet claims: kept across scale-down and reused, or deleted as the retention policy says

  Background:
    Given a cluster with 2 nodes

  Scenario: By default (Retain) a claim survives a scale-down and its data comes back on scale-up
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        replicas: 2
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
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
      """
    Then within 1m pod "db-1" is ready
    When container "app" of pod "db-1" writes "row 1" to "/var/lib/data/table"
    And I scale statefulset "db" to 1 replicas
    Then within 1m pod "db-1" does not exist
    And pvc "data-db-1" is Bound
    And the field "metadata.ownerReferences" of persistentvolumeclaim "data-db-1" is empty
    When I scale statefulset "db" to 2 replicas
    Then within 1m pod "db-1" is ready
    And the file "/var/lib/data/table" in container "app" of pod "db-1" contains "row 1"

  Scenario: whenScaled Delete deletes the claim of a removed replica, whenDeleted Retain keeps the others
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        replicas: 2
        serviceName: db
        persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Retain}
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
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
      """
    Then within 1m pod "db-1" is ready
    And the field "metadata.ownerReferences" of persistentvolumeclaim "data-db-1" is empty
    When container "app" of pod "db-1" writes "row 1" to "/var/lib/data/table"
    And I scale statefulset "db" to 1 replicas
    Then within 1m pvc "data-db-1" does not exist
    And pvc "data-db-0" is Bound
    When I scale statefulset "db" to 2 replicas
    Then within 1m pod "db-1" is ready
    And pvc "data-db-1" is Bound
    And the file "/var/lib/data/table" in container "app" of pod "db-1" does not exist
    When I delete statefulset "db"
    Then within 1m pod "db-0" does not exist
    And pvc "data-db-0" is Bound
    And pvc "data-db-1" is Bound

  Scenario: whenDeleted Delete makes the set the claims' owner, so deleting the set deletes them
    When I apply:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        replicas: 2
        serviceName: db
        persistentVolumeClaimRetentionPolicy: {whenScaled: Retain, whenDeleted: Delete}
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
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
      """
    Then within 1m pod "db-1" is ready
    And the field "metadata.ownerReferences[0].kind" of persistentvolumeclaim "data-db-0" is "StatefulSet"
    And the field "metadata.ownerReferences[0].name" of persistentvolumeclaim "data-db-1" is "db"
    When I scale statefulset "db" to 1 replicas
    Then within 1m pod "db-1" does not exist
    And pvc "data-db-1" is Bound
    When I delete statefulset "db"
    Then within 1m pvc "data-db-0" does not exist
    And pvc "data-db-1" does not exist
