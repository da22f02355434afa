Feature: The scheduler's volume plugins: claims decide where a pod can go

  Scenario: A pod waits for its Immediate claim to be bound, then schedules
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: manual
      provisioner: kubernetes.io/no-provisioner
      volumeBindingMode: Immediate
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
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
      """
    And the cluster settles
    Then pod "web" is Pending
    And pvc "data" is Pending
    And pod "web" has event "FailedScheduling" with message "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: disk-1
      spec:
        capacity: {storage: 5Gi}
        accessModes: [ReadWriteOnce]
        storageClassName: manual
        hostPath: {path: /mnt/disk-1}
      """
    Then within 30s pod "web" is Running
    And pvc "data" is bound to pv "disk-1"

  Scenario: A local volume's node affinity takes the pod to its node
    Given a cluster with 3 nodes
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: local
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
        storageClassName: local
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
        storageClassName: local
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: other
      spec:
        storageClassName: local
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
    Then within 30s pod "web" is scheduled to node "node-2"
    And pvc "data" is bound to pv "local-node-2"
    And pvc "data" has a volume on node "node-2"
    And pod "web" was filtered out of node "node-1" by "VolumeBinding"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: second
      spec:
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: other}
      """
    And the cluster settles
    Then pod "second" is Pending
    And pod "second" has event "FailedScheduling" with message "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."

  Scenario: A bound volume pinned to a node the pod cannot use is a node affinity conflict everywhere
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: elsewhere
      spec:
        capacity: {storage: 1Gi}
        accessModes: [ReadWriteOnce]
        storageClassName: ""
        local: {path: /mnt/disks/ssd1}
        claimRef: {namespace: default, name: data}
        nodeAffinity:
          required:
            nodeSelectorTerms:
            - matchExpressions:
              - {key: kubernetes.io/hostname, operator: In, values: [node-9]}
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
    Then within 10s pvc "data" is bound to pv "elsewhere"
    When I apply:
      """
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
    And the cluster settles
    Then pod "web" is Pending
    And pod "web" has event "FailedScheduling" with message "0/2 nodes are available: 2 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."

  Scenario: A node attaches no more CSI volumes than its CSINode allows
    Given a cluster with 1 nodes
    And node "node-1" can attach 1 volumes of driver "ebs.csi.aws.com"
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
          requests: {storage: 1Gi}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: second
      spec:
        storageClassName: ebs
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: a
      spec:
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: first}
      """
    Then within 30s pod "a" is Running
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: b
      spec:
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: second}
      """
    And the cluster settles
    Then pod "b" is Pending
    And pvc "second" is Pending
    And pod "b" has event "FailedScheduling" with message "0/1 nodes are available: 1 node(s) exceed max volume count. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
    When I delete pod "a"
    Then within 1m pod "b" is Running

  Scenario: A ReadWriteOncePod claim serves one pod; a more important pod preempts its holder
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata: {name: high}
      value: 1000
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: single
      spec:
        accessModes: [ReadWriteOncePod]
        resources:
          requests: {storage: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: holder
      spec:
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: single}
      """
    Then within 30s pod "holder" is Running
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: rival
      spec:
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: single}
      """
    And the cluster settles
    Then pod "rival" is Pending
    And pod "rival" has event "FailedScheduling" with message "0/2 nodes are available: 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
    When I delete pod "rival"
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: urgent
      spec:
        priorityClassName: high
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: single}
      """
    Then within 1m pod "urgent" is Running
    And pod "holder" does not exist
    And pod "urgent" has event "Scheduled"

  Scenario: A class's allowed topologies decide where a WaitForFirstConsumer volume can be provisioned
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
      volumeBindingMode: WaitForFirstConsumer
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
    Then within 30s pod "web" is scheduled to node "node-2"
    And pvc "data" has a volume in zone "z2"
    And pod "web" was filtered out of node "node-1" by "VolumeBinding"

  Scenario: Storage capacity tracking keeps a pod off nodes whose pool is too small
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | z1   |
      | node-2 | z2   |
    When I apply:
      """
      apiVersion: storage.k8s.io/v1
      kind: CSIDriver
      metadata:
        name: ebs.csi.aws.com
      spec:
        storageCapacity: true
      ---
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: ebs
      provisioner: ebs.csi.aws.com
      volumeBindingMode: WaitForFirstConsumer
      ---
      apiVersion: storage.k8s.io/v1
      kind: CSIStorageCapacity
      metadata:
        name: z1-pool
        namespace: kube-system
      storageClassName: ebs
      capacity: 100Gi
      nodeTopology:
        matchLabels: {topology.kubernetes.io/zone: z1}
      ---
      apiVersion: storage.k8s.io/v1
      kind: CSIStorageCapacity
      metadata:
        name: z2-pool
        namespace: kube-system
      storageClassName: ebs
      capacity: 2Gi
      nodeTopology:
        matchLabels: {topology.kubernetes.io/zone: z2}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: big
      spec:
        storageClassName: ebs
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 50Gi}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: huge
      spec:
        storageClassName: ebs
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 500Gi}
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
          persistentVolumeClaim: {claimName: big}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        containers:
        - name: app
          image: nginx:1.25
        volumes:
        - name: data
          persistentVolumeClaim: {claimName: huge}
      """
    Then within 30s pod "web" is scheduled to node "node-1"
    And pvc "big" has a volume in zone "z1"
    And pod "db" is Pending
    And pod "db" has event "FailedScheduling" with message "0/2 nodes are available: 2 node(s) did not have enough free storage. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
