Feature: Pod volumes hold file contents as long as upstream keeps them

  An emptyDir lives and dies with its pod but survives a container restart;
  a file outside every mount is the container's own layer, lost on restart;
  a configMap volume shows its keys as files; a missing configMap keeps the
  pod ContainerCreating with the kubelet's FailedMount event; hostPath data
  belongs to the node.

  Background:
    Given a cluster with 2 nodes

  Scenario: emptyDir data is lost when the pod is deleted and created again
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: cache, mountPath: /cache}
        volumes:
        - name: cache
          emptyDir: {}
      """
    Then within 30s pod "web" is Running
    When container "app" of pod "web" writes "hello" to "/cache/greeting"
    Then the file "/cache/greeting" in container "app" of pod "web" contains "hello"
    When I delete pod "web"
    And I wait 60s
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: cache, mountPath: /cache}
        volumes:
        - name: cache
          emptyDir: {}
      """
    Then within 30s pod "web" is Running
    And the file "/cache/greeting" in container "app" of pod "web" does not exist

  Scenario: emptyDir data survives a container restart, the container's own layer does not
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: cache, mountPath: /cache}
        volumes:
        - name: cache
          emptyDir: {medium: Memory}
      """
    Then within 30s pod "web" is Running
    When container "app" of pod "web" writes "kept" to "/cache/state"
    And container "app" of pod "web" writes "lost" to "/tmp/state"
    And container "app" of pod "web" exits with code 1
    And I wait 5s
    Then container "app" of pod "web" has restarted 1 times
    And the file "/cache/state" in container "app" of pod "web" contains "kept"
    And the file "/tmp/state" in container "app" of pod "web" does not exist

  Scenario: A configMap volume shows its keys as files, read-only
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        mode: production
        level: debug
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: config, mountPath: /etc/app}
          - {name: config, mountPath: /etc/level.conf, subPath: level}
        volumes:
        - name: config
          configMap:
            name: settings
      """
    Then within 30s pod "web" is Running
    And the file "/etc/app/mode" in container "app" of pod "web" contains "production"
    And the file "/etc/level.conf" in container "app" of pod "web" contains "debug"
    And the file "/etc/app/other" in container "app" of pod "web" does not exist

  Scenario: An updated configMap reaches the files at the kubelet's next sync, never a subPath mount
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        level: info
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: config, mountPath: /etc/app}
          - {name: config, mountPath: /etc/level.conf, subPath: level}
        volumes:
        - name: config
          configMap:
            name: settings
      """
    Then within 30s pod "web" is Running
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        level: debug
      """
    Then the file "/etc/app/level" in container "app" of pod "web" contains "info"
    When I wait 60s
    Then the file "/etc/app/level" in container "app" of pod "web" contains "debug"
    And the file "/etc/level.conf" in container "app" of pod "web" contains "info"

  Scenario: A missing configMap keeps the pod ContainerCreating until it exists
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: config, mountPath: /etc/app}
        volumes:
        - name: config
          configMap:
            name: settings
      """
    And I wait 30s
    Then pod "web" is Pending
    And kubectl get pods shows:
      | NAME | READY | STATUS            | RESTARTS |
      | web  | 0/1   | ContainerCreating | 0        |
    And pod "web" has event "FailedMount" with message "MountVolume.SetUp failed for volume "config" : configmap "settings" not found"
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        mode: production
      """
    Then within 30s pod "web" is Running
    And the file "/etc/app/mode" in container "app" of pod "web" contains "production"

  Scenario: hostPath data is seen by a second pod on the same node, not on another node
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: writer
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: host, mountPath: /data}
        volumes:
        - name: host
          hostPath: {path: /var/local/data, type: DirectoryOrCreate}
      """
    Then within 30s pod "writer" is Running
    When container "app" of pod "writer" writes "from node-1" to "/data/note"
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: same-node
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: host, mountPath: /mnt}
        volumes:
        - name: host
          hostPath: {path: /var/local/data, type: Directory}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: other-node
      spec:
        nodeName: node-2
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: host, mountPath: /mnt}
        volumes:
        - name: host
          hostPath: {path: /var/local/data, type: DirectoryOrCreate}
      """
    Then within 30s pod "same-node" is Running
    And within 30s pod "other-node" is Running
    And the file "/mnt/note" in container "app" of pod "same-node" contains "from node-1"
    And the file "/mnt/note" in container "app" of pod "other-node" does not exist

  Scenario: A hostPath of type Directory that does not exist fails its type check
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: host, mountPath: /data}
        volumes:
        - name: host
          hostPath: {path: /srv/missing, type: Directory}
      """
    And I wait 10s
    Then pod "web" is Pending
    And pod "web" has event "FailedMount" with message "MountVolume.SetUp failed for volume "host" : hostPath type check failed: /srv/missing is not a directory"

  Scenario: An emptyDir written past its sizeLimit gets the pod evicted at the eviction manager's next round
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.27
          volumeMounts:
          - {name: cache, mountPath: /cache}
        volumes:
        - name: cache
          emptyDir: {sizeLimit: "16"}
      """
    Then within 30s pod "web" is Running
    When container "app" of pod "web" writes "sixteen bytes ok" to "/cache/a"
    And I wait 10s
    Then pod "web" is Running
    When container "app" of pod "web" writes "one more byte" to "/cache/b"
    Then within 10s pod "web" is Failed
    And pod "web" has event "Evicted" with message "Usage of EmptyDir volume "cache" exceeds the limit "16". "
