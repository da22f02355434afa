Feature: Scheduler profiles from a KubeSchedulerConfiguration

  Background:
    Given a cluster with nodes:
      | name   | cpu |
      | node-1 | 4   |
      | node-2 | 4   |

  Scenario: MostAllocated packs pods onto the fuller node
    Given the scheduler is configured with:
      """
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: KubeSchedulerConfiguration
      profiles:
      - schedulerName: default-scheduler
        pluginConfig:
        - name: NodeResourcesFit
          args:
            scoringStrategy:
              type: MostAllocated
              resources:
              - {name: cpu, weight: 1}
              - {name: memory, weight: 1}
      """
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: filler
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "2", memory: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "1", memory: 1Gi}
      """
    Then pod "web" is scheduled to node "node-1"

  Scenario: The default profile spreads the same pods
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: filler
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "2", memory: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "1", memory: 1Gi}
      """
    Then pod "web" is scheduled to node "node-2"

  Scenario: A disabled filter no longer filters
    Given the scheduler is configured with:
      """
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: KubeSchedulerConfiguration
      profiles:
      - plugins:
          filter:
            disabled:
            - name: TaintToleration
      """
    And node "node-1" has taint "dedicated=db:NoSchedule"
    And node "node-2" has taint "dedicated=db:NoSchedule"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers: [{name: app, image: nginx:1.25}]
      """
    And the cluster settles
    Then pod "web" has event "Scheduled"

  Scenario: A second profile serves pods that name it
    Given the scheduler is configured with the file "packer.yaml"
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: filler
      spec:
        nodeName: node-2
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "2", memory: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: packed
      spec:
        schedulerName: packer
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "1", memory: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: spread
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "1", memory: 1Gi}
      """
    Then pod "packed" is scheduled to node "node-2"
    And pod "spread" is scheduled to node "node-1"
    And pod "packed" has event "Scheduled" with message "Successfully assigned default/packed to node-2"

  Scenario: RequestedToCapacityRatio leaves out a resource that scores 0
    # upstream buildRequestedToCapacityRatioScorerFunction counts a resource's weight only when its score
    # is above 0: node-1 scores 75 on cpu alone (its memory use rounds to 0%), node-2 50 on both
    Given the scheduler is configured with:
      """
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: KubeSchedulerConfiguration
      profiles:
      - schedulerName: default-scheduler
        plugins:
          score:
            disabled:
            - name: NodeResourcesBalancedAllocation
        pluginConfig:
        - name: NodeResourcesFit
          args:
            scoringStrategy:
              type: RequestedToCapacityRatio
              resources:
              - {name: cpu, weight: 1}
              - {name: memory, weight: 1}
              requestedToCapacityRatio:
                shape:
                - {utilization: 0, score: 0}
                - {utilization: 100, score: 10}
      """
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: cpu-filler
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "2", memory: 50Mi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: half-filler
      spec:
        nodeName: node-2
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "1", memory: 8Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: "1", memory: 100Mi}
      """
    Then pod "web" is scheduled to node "node-1"
