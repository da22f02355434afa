Feature: Memory pressure evicts pods in upstream's order

  Scenario: The pod furthest above its request goes first
    Given a cluster with nodes:
      | name   | memory |
      | node-1 | 2Gi    |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: guaranteed
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          resources:
            requests: {cpu: 100m, memory: 1Gi}
            limits: {cpu: 100m, memory: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: besteffort
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "guaranteed" has QoS class "Guaranteed"
    When container "app" of pod "guaranteed" uses 900Mi of memory
    And container "app" of pod "besteffort" uses 1100Mi of memory
    Then within 10s pod "besteffort" is Failed
    And pod "besteffort" has event "Evicted" with message containing "The node was low on resource: memory. Threshold quantity: 100Mi, available: 48Mi. Container app was using 1100Mi, request is 0, has larger consumption of memory."
    And pod "guaranteed" is Running
    And kubectl get nodes shows:
      | NAME   | STATUS |
      | node-1 | Ready  |

  Scenario: A container above its memory limit is OOMKilled
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: hog
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          resources:
            limits: {memory: 256Mi}
      """
    And container "app" of pod "hog" uses 300Mi of memory
    Then container "app" of pod "hog" has restarted 1 times
    And pod "hog" is Running
