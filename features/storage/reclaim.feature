Feature: Reclaim policies Recycle and Retain as the PV controller treats them now

  Scenario: A Recycle hostPath volume is scrubbed and Available again once its claim is gone
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: scratch
      spec:
        capacity: {storage: 1Gi}
        accessModes: [ReadWriteOnce]
        persistentVolumeReclaimPolicy: Recycle
        storageClassName: manual
        hostPath: {path: /mnt/scratch}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: manual
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: writer
      spec:
        containers:
        - name: app
          image: busybox:1.36
          volumeMounts:
          - {name: data, mountPath: /data}
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then within 30s pod "writer" is Running
    When container "app" of pod "writer" writes "old secrets" to "/data/notes"
    And I delete pod "writer"
    And I delete pvc "data"
    Then within 60s pv "scratch" is Available
    And pv "scratch" has event "VolumeRecycled" with message "Volume recycled"
    And the field "spec.claimRef" of pv "scratch" is empty
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: again
      spec:
        storageClassName: manual
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: reader
      spec:
        containers:
        - name: app
          image: busybox:1.36
          volumeMounts:
          - {name: data, mountPath: /data}
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: again}
      """
    Then within 30s pvc "again" is bound to pv "scratch"
    And within 30s pod "reader" is Running
    And the file "/data/notes" in container "app" of pod "reader" does not exist

  Scenario: A Recycle volume of a type no recycler serves fails
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: block
      spec:
        capacity: {storage: 1Gi}
        accessModes: [ReadWriteOnce]
        persistentVolumeReclaimPolicy: Recycle
        storageClassName: manual
        csi: {driver: ebs.csi.aws.com, volumeHandle: vol-1}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: manual
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    Then within 10s pvc "data" is bound to pv "block"
    When I delete pvc "data"
    Then within 10s pv "block" is Failed
    And pv "block" has event "VolumeFailedRecycle" with message "No recycler plugin found for the volume!"

  Scenario: A Retain volume keeps its data and its claimRef once Released
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: keep
      spec:
        capacity: {storage: 1Gi}
        accessModes: [ReadWriteOnce]
        persistentVolumeReclaimPolicy: Retain
        storageClassName: manual
        hostPath: {path: /mnt/keep}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: manual
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    Then within 10s pvc "data" is bound to pv "keep"
    When I delete pvc "data"
    Then within 10s pv "keep" is Released
    And the field "spec.claimRef.name" of pv "keep" is "data"
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: manual
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    And I wait 30s
    Then pvc "data" is Pending
    And pv "keep" is Released
