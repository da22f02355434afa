Feature: Pod affinity and anti-affinity

  Background:
    Given a cluster with nodes:
      | name   | zone |
      | node-1 | a    |
      | node-2 | a    |
      | node-3 | b    |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
        labels:
          app: db
      spec:
        nodeName: node-3
        containers:
        - name: db
          image: postgres:16
      """

  Scenario: Required affinity puts the pod next to its database
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        affinity:
          podAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchLabels:
                  app: db
              topologyKey: kubernetes.io/hostname
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-3"
    And pod "web" was filtered out of node "node-1" by "InterPodAffinity"

  Scenario: Affinity by zone allows any node of the zone
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        affinity:
          podAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchLabels:
                  app: db
              topologyKey: topology.kubernetes.io/zone
        nodeSelector:
          kubernetes.io/hostname: node-3
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" is scheduled to node "node-3"

  Scenario: Affinity to pods that do not exist
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        affinity:
          podAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchLabels:
                  app: cache
              topologyKey: kubernetes.io/hostname
        containers:
        - name: app
          image: nginx:1.25
      """
    And the cluster settles
    Then pod "web" has event "FailedScheduling" with message "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."

  Scenario: The first pod of a self-affine group is not stuck
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: cache-1
        labels:
          app: cache
      spec:
        nodeSelector:
          kubernetes.io/hostname: node-1
        affinity:
          podAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchLabels:
                  app: cache
              topologyKey: kubernetes.io/hostname
        containers:
        - name: app
          image: redis:7
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: cache-2
        labels:
          app: cache
      spec:
        affinity:
          podAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchLabels:
                  app: cache
              topologyKey: kubernetes.io/hostname
        containers:
        - name: app
          image: redis:7
      """
    Then pod "cache-1" is scheduled to node "node-1"
    And pod "cache-2" is scheduled to node "node-1"

  Scenario: Anti-affinity keeps replicas apart, and the fourth has nowhere to go
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels: {app: web}
      spec:
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: web}}
              topologyKey: kubernetes.io/hostname
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-2
        labels: {app: web}
      spec:
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: web}}
              topologyKey: kubernetes.io/hostname
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-3
        labels: {app: web}
      spec:
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: web}}
              topologyKey: kubernetes.io/hostname
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-4
        labels: {app: web}
      spec:
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: web}}
              topologyKey: kubernetes.io/hostname
        containers: [{name: app, image: nginx:1.25}]
      """
    And the cluster settles
    Then pod "web-4" is not scheduled
    And pod "web-4" has event "FailedScheduling" with message "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    And pod "web-4" was filtered out of node "node-2" by "InterPodAffinity"

  Scenario: An existing pod's anti-affinity keeps newcomers away
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: loner
      spec:
        nodeName: node-1
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {tier: batch}}
              topologyKey: topology.kubernetes.io/zone
        containers: [{name: app, image: nginx:1.25}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: batch
        labels: {tier: batch}
      spec:
        containers: [{name: app, image: busybox:1.36}]
      """
    Then pod "batch" is scheduled to node "node-3"
    And pod "batch" was filtered out of node "node-2" by "InterPodAffinity"

  Scenario: Preferred affinity leans towards the database's zone
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        affinity:
          podAffinity:
            preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                labelSelector: {matchLabels: {app: db}}
                topologyKey: topology.kubernetes.io/zone
        containers: [{name: app, image: nginx:1.25}]
      """
    Then pod "web" is scheduled to node "node-3"
