Feature: emptyDir with medium Memory: a tmpfs whose pages count against the container's memory limit

  Scenario: Writing to a memory-backed emptyDir at the memory limit gets the container OOMKilled, the data stays
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.27
          resources:
            limits: {memory: 64Mi}
          volumeMounts:
          - {name: shm, mountPath: /dev/shm}
        volumes:
        - name: shm
          emptyDir: {medium: Memory}
      """
    Then within 30s pod "web" is Running
    When container "app" of pod "web" uses 64Mi of memory
    Then container "app" of pod "web" has restarted 0 times
    When container "app" of pod "web" writes "session state" to "/dev/shm/session"
    Then within 30s container "app" of pod "web" has restarted 1 times
    And the field "status.containerStatuses[0].lastState.terminated.reason" of pod "web" is "OOMKilled"
    And within 30s pod "web" is Running
    And the file "/dev/shm/session" in container "app" of pod "web" contains "session state"

  Scenario: The same write to a disk-backed emptyDir does not count against the memory limit
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.27
          resources:
            limits: {memory: 64Mi}
          volumeMounts:
          - {name: cache, mountPath: /cache}
        volumes:
        - name: cache
          emptyDir: {}
      """
    Then within 30s pod "web" is Running
    When container "app" of pod "web" uses 64Mi of memory
    And container "app" of pod "web" writes "session state" to "/cache/session"
    And I wait 30s
    Then container "app" of pod "web" has restarted 0 times
