Feature: Environment variables from ConfigMaps and Secrets

  A key or a source that is missing and not optional stops the container
  from being created: CreateContainerConfigError with the kubelet's message,
  tried again at the pod's next sync.

  Background:
    Given a cluster with 1 nodes

  Scenario: A missing ConfigMap key keeps the container in CreateContainerConfigError until it exists
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        mode: production
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
          env:
          - name: LEVEL
            valueFrom:
              configMapKeyRef: {name: settings, key: level}
          - name: TOKEN
            valueFrom:
              secretKeyRef: {name: missing, key: token, optional: true}
          envFrom:
          - configMapRef: {name: settings}
      """
    And I wait 5s
    Then container "app" of pod "web" is waiting with reason "CreateContainerConfigError"
    And kubectl get pods shows:
      | NAME | READY | STATUS                     | RESTARTS |
      | web  | 0/1   | CreateContainerConfigError | 0        |
    And pod "web" has event "Failed" with message "Error: couldn't find key level in ConfigMap default/settings"
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        mode: production
        level: debug
      """
    Then within 30s pod "web" is Running
    And pod "web" has environment variable "LEVEL" with value "debug"
    And pod "web" has environment variable "mode" with value "production"
    And pod "web" has no environment variable "TOKEN"

  Scenario: A missing Secret named by envFrom is reported as not found
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
          envFrom:
          - secretRef: {name: credentials}
      """
    And I wait 5s
    Then pod "web" is Pending
    And pod "web" has event "Failed" with message "Error: secret "credentials" not found"
