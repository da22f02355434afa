Feature: PersistentVolumes and claims: binding, provisioning, reclaiming, protection

  Scenario: A claim binds the smallest volume that fits it
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: big
      spec:
        capacity: {storage: 10Gi}
        accessModes: [ReadWriteOnce]
        storageClassName: manual
        hostPath: {path: /mnt/big}
      ---
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: small
      spec:
        capacity: {storage: 2Gi}
        accessModes: [ReadWriteOnce]
        storageClassName: manual
        hostPath: {path: /mnt/small}
      ---
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: tiny
      spec:
        capacity: {storage: 500Mi}
        accessModes: [ReadWriteOnce]
        storageClassName: manual
        hostPath: {path: /mnt/tiny}
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
    Then pvc "data" is bound to pv "small"
    And persistentvolumeclaim "data" is Bound
    And pv "small" is Bound
    And pv "big" is Available
    And persistentvolume "tiny" is Available
    And the field "status.capacity.storage" of persistentvolumeclaim "data" is "2Gi"

  Scenario: A claim without a storage class and without a matching volume stays Pending
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: read-only
      spec:
        capacity: {storage: 5Gi}
        accessModes: [ReadOnlyMany]
        storageClassName: ""
        hostPath: {path: /mnt/ro}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: ""
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    Then pvc "data" is Pending
    And pv "read-only" is Available
    And pvc "data" has event "FailedBinding" with message "no persistent volumes available for this claim and no storage class is set"

  Scenario: The default class provisions a local volume on the node the scheduler picked
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
      | node-2 | z2   |
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    Then pvc "data" is Pending
    And the field "spec.storageClassName" of persistentvolumeclaim "data" is "standard"
    And pvc "data" has event "WaitForFirstConsumer" with message "waiting for first consumer to be created before binding"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeSelector: {topology.kubernetes.io/zone: z2}
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then pvc "data" is Bound
    And pvc "data" has a volume on node "node-2"
    And pvc "data" has a volume in zone "z2"
    And pvc "data" has event "ExternalProvisioning"
    And pvc "data" has event "ProvisioningSucceeded"

  Scenario: A CSI driver's volume follows the zone of the pod's node
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
      | node-2 | z2   |
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: ebs
      provisioner: ebs.csi.aws.com
      volumeBindingMode: WaitForFirstConsumer
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: ebs
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeSelector: {topology.kubernetes.io/zone: z1}
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then pvc "data" is Bound
    And pvc "data" has a volume in zone "z1"

  Scenario: A Retain volume is Released when its claim is deleted
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
    Then pvc "data" is bound to pv "keep"
    When I delete persistentvolumeclaim "data"
    Then persistentvolumeclaim "data" does not exist
    And pv "keep" is Released

  Scenario: A Delete volume goes with its claim
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
        persistentVolumeReclaimPolicy: Delete
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
      """
    Then pvc "data" is bound to pv "scratch"
    When I delete pvc "data"
    Then persistentvolume "scratch" does not exist

  Scenario: A claim in use stays Terminating until its pod is gone
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then pvc "data" is Bound
    When I delete pvc "data"
    Then pvc "data" is Terminating
    When I delete pod "web"
    Then pvc "data" does not exist

  Scenario: A claim naming a class that does not exist stays Pending
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: gold
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    Then pvc "data" is Pending
    And pvc "data" has event "ProvisioningFailed"

  Scenario: A claim naming a volume that cannot serve it stays Pending with VolumeMismatch
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: small
      spec:
        capacity: {storage: 1Gi}
        accessModes: [ReadWriteOnce]
        storageClassName: manual
        hostPath: {path: /mnt/small}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: manual
        volumeName: small
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 5Gi}
      """
    Then within 10s pvc "data" is Pending
    And pvc "data" has event "VolumeMismatch" with message "Cannot bind to requested volume "small": requested PV is too small"
    And pv "small" is Available
