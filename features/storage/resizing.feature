Feature: Resizing claims: allowVolumeExpansion, the external resizer and the kubelet's filesystem resize

  Background:
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: expandable
      provisioner: ebs.csi.aws.com
      allowVolumeExpansion: true
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: expandable
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    Then within 10s pvc "data" is Bound

  Scenario: A claim in use grows: the volume at once, the claim's capacity after the kubelet's filesystem resize
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        containers:
        - name: app
          image: postgres:16
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then within 30s pod "db" is Running
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: expandable
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 2Gi}
      """
    Then pvc "data" has event "ExternalExpanding" with message "Ignoring the PVC: didn't find a plugin capable of expanding the volume; waiting for an external controller to process this PVC."
    And pvc "data" has event "Resizing"
    And pvc "data" has event "FileSystemResizeRequired" with message "Require file system resize of volume on node"
    And pvc "data" has condition "FileSystemResizePending" with status "True"
    And the field "status.allocatedResources.storage" of pvc "data" is "2Gi"
    And the field "status.allocatedResourceStatuses.storage" of pvc "data" is "NodeResizePending"
    And the field "status.capacity.storage" of pvc "data" is "1Gi"
    And within 90s the field "status.capacity.storage" of pvc "data" is "2Gi"
    And pvc "data" has no condition "FileSystemResizePending"
    And pvc "data" has no condition "Resizing"
    And the field "status.allocatedResourceStatuses" of pvc "data" is empty
    And pvc "data" has event "FileSystemResizeSuccessful"
    And pod "db" has event "FileSystemResizeSuccessful"

  Scenario: A claim no pod uses waits for one to finish the filesystem resize
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: expandable
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 3Gi}
      """
    And I wait 5m
    Then pvc "data" has condition "FileSystemResizePending" with status "True"
    And the field "status.capacity.storage" of pvc "data" is "1Gi"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        containers:
        - name: app
          image: postgres:16
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then within 30s pod "db" is Running
    And the field "status.capacity.storage" of pvc "data" is "3Gi"
    And pvc "data" has no condition "FileSystemResizePending"

  Scenario: A claim cannot shrink below its capacity
    When I try to apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: expandable
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 512Mi}
      """
    Then the request fails with "PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"

  Scenario: A claim of a class that does not allow expansion cannot grow
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: fixed
      provisioner: ebs.csi.aws.com
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: small
      spec:
        storageClassName: fixed
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    Then within 10s pvc "small" is Bound
    When I try to apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: small
      spec:
        storageClassName: fixed
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 2Gi}
      """
    Then the request fails with "persistentvolumeclaims "small" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"

  Scenario: Only the request of a bound claim may change
    When I try to apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: expandable
        accessModes: [ReadWriteMany]
        resources:
          requests: {storage: 1Gi}
      """
    Then the request fails with "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
