Feature: Probes on their periods and thresholds

  Background:
    Given a cluster with 1 nodes

  Scenario: Readiness flips Ready only, after the failure threshold
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
          image: nginx:1.25
          readinessProbe:
            httpGet:
              port: 80
      """
    Then pod "web" is ready
    When the readiness probe of pod "web" starts failing
    And I wait 29s
    Then pod "web" is ready
    When I wait 1s
    Then pod "web" is not ready
    And pod "web" has event "Unhealthy" with message "Readiness probe failed: HTTP probe failed with statuscode: 500"
    And container "app" of pod "web" has restarted 0 times
    When the readiness probe of pod "web" starts passing
    And I wait 10s
    Then pod "web" is ready

  Scenario: Readiness waits for its initial delay
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
          image: nginx:1.25
          readinessProbe:
            initialDelaySeconds: 15
            periodSeconds: 5
            tcpSocket:
              port: 80
      """
    Then pod "web" is not ready
    When I wait 14s
    Then pod "web" is not ready
    When I wait 1s
    Then pod "web" is ready

  Scenario: Liveness failures kill and restart the container
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
          image: nginx:1.25
          livenessProbe:
            httpGet:
              port: 80
            periodSeconds: 5
            failureThreshold: 2
      """
    When I wait 1s
    And the liveness probe of pod "web" starts failing
    And I wait 8s
    Then container "app" of pod "web" has restarted 0 times
    When I wait 1s
    Then pod "web" has event "Killing" with message "Container app failed liveness probe, will be restarted"
    And container "app" of pod "web" has restarted 1 times
    And pod "web" has event "Unhealthy" with message "Liveness probe failed: HTTP probe failed with statuscode: 500"

  Scenario: A startup probe holds back readiness until it succeeds
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: slow
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          startupProbe:
            httpGet:
              port: 80
            periodSeconds: 10
            failureThreshold: 30
          readinessProbe:
            httpGet:
              port: 80
      """
    And the startup probe of pod "slow" starts failing
    And I wait 30s
    Then pod "slow" is not ready
    When the startup probe of pod "slow" starts passing
    And I wait 10s
    Then pod "slow" is ready

  Scenario: A failing HTTP probe reports the status its endpoint answers
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
          image: nginx:1.25
          readinessProbe:
            httpGet:
              path: /healthz
              port: 80
            periodSeconds: 5
            failureThreshold: 1
      """
    Then pod "web" is ready
    When the readiness probe of pod "web" starts failing with status 503
    And I wait 5s
    Then pod "web" is not ready
    And pod "web" has event "Unhealthy" with message "Readiness probe failed: HTTP probe failed with statuscode: 503"
