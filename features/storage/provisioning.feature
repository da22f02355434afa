Feature: Dynamic provisioning: topology, capacity, allowed topologies, static local volumes

  Scenario: WaitForFirstConsumer provisions in the zone of the node chosen for the pod
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
      | node-2 | z2   |
      | node-3 | z3   |
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: fast
      provisioner: pd.csi.storage.gke.io
      volumeBindingMode: WaitForFirstConsumer
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: fast
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    Then pvc "data" is Pending
    And pvc "data" has event "WaitForFirstConsumer"
    And the field "metadata.annotations.volume\.kubernetes\.io/selected-node" of pvc "data" is empty
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
              - matchExpressions:
                - {key: topology.kubernetes.io/zone, operator: In, values: [z3]}
        containers:
        - name: app
          image: nginx:1.27
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then within 30s pvc "data" is Bound
    And the field "metadata.annotations.volume\.kubernetes\.io/selected-node" of pvc "data" is "node-3"
    And pvc "data" has a volume in zone "z3"
    And pvc "data" has event "ProvisioningSucceeded"
    And within 30s pod "web" is Running

  Scenario: A zone without enough capacity: the scheduler waits for WaitForFirstConsumer, the provisioner refuses Immediate
    The driver publishes what is left as CSIStorageCapacity, so the scheduler's
    VolumeBinding keeps a pod whose claim would not fit Pending; an Immediate
    claim is provisioned without the scheduler and fails with ResourceExhausted.

    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
    And driver "ebs.csi.aws.com" has 5Gi of capacity in zone "z1"
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
        name: first
      spec:
        storageClassName: ebs
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 4Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: one
      spec:
        containers:
        - name: app
          image: nginx:1.27
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: first}
      """
    Then within 30s pvc "first" is Bound
    And the field "capacity" of csistoragecapacity "csisc-ebs-z1" is "1Gi" in namespace "kube-system"
    And the field "spec.storageCapacity" of csidriver "ebs.csi.aws.com" is "true"
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: ebs-now
      provisioner: ebs.csi.aws.com
      volumeBindingMode: Immediate
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: second
      spec:
        storageClassName: ebs-now
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 2Gi}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: third
      spec:
        storageClassName: ebs
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 2Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: two
      spec:
        containers:
        - name: app
          image: nginx:1.27
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: third}
      """
    And I wait 30s
    Then pvc "second" is Pending
    And pvc "second" has event "ProvisioningFailed" with message "rpc error: code = ResourceExhausted desc = not enough capacity for 2Gi: topology.kubernetes.io/zone=z1 has 1Gi"
    And pvc "third" is Pending
    And pod "two" is Pending
    And pod "two" has event "FailedScheduling" with message "0/1 nodes are available: 1 node(s) did not have enough free storage. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
    And the field "metadata.annotations.volume\.kubernetes\.io/selected-node" of pvc "third" is empty

  Scenario: A StatefulSet's Immediate volumes go where the driver still has capacity
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
      | node-2 | z2   |
    And driver "ebs.csi.aws.com" has 1Gi of capacity in zone "z1"
    And driver "ebs.csi.aws.com" has 100Gi of capacity in zone "z2"
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: ebs
      provisioner: ebs.csi.aws.com
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data-db-0
      spec:
        storageClassName: ebs
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 10Gi}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data-db-1
      spec:
        storageClassName: ebs
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 10Gi}
      """
    Then within 10s pvc "data-db-0" is Bound
    And within 10s pvc "data-db-1" is Bound
    And pvc "data-db-0" has a volume in zone "z2"
    And pvc "data-db-1" has a volume in zone "z2"
    And the field "capacity" of csistoragecapacity "csisc-ebs-z2" is "80Gi" in namespace "kube-system"

  Scenario: allowedTopologies place an Immediate volume in an allowed zone
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
      | node-2 | z2   |
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: zonal
      provisioner: ebs.csi.aws.com
      allowedTopologies:
      - matchLabelExpressions:
        - {key: topology.kubernetes.io/zone, values: [z2]}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: zonal
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      """
    Then within 10s pvc "data" is Bound
    And pvc "data" has a volume in zone "z2"

  Scenario: kubernetes.io/no-provisioner serves static local volumes on the node of the pod
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
      | node-2 | z1   |
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: local-storage
      provisioner: kubernetes.io/no-provisioner
      volumeBindingMode: WaitForFirstConsumer
      ---
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: local-node-2
      spec:
        capacity: {storage: 10Gi}
        accessModes: [ReadWriteOnce]
        persistentVolumeReclaimPolicy: Retain
        storageClassName: local-storage
        local: {path: /mnt/disks/ssd1}
        nodeAffinity:
          required:
            nodeSelectorTerms:
            - matchExpressions:
              - {key: kubernetes.io/hostname, operator: In, values: [node-2]}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: local-storage
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 5Gi}
      """
    Then pvc "data" is Pending
    And pvc "data" has event "WaitForFirstConsumer"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeSelector: {kubernetes.io/hostname: node-2}
        containers:
        - name: app
          image: nginx:1.27
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    Then within 30s pvc "data" is bound to pv "local-node-2"
    And pvc "data" has a volume on node "node-2"
    And pvc "data" has no event "ProvisioningSucceeded"
