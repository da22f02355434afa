Feature: Service environment variables

  Scenario: Services that exist when the container starts are in its environment
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: redis-primary
      spec:
        clusterIP: 10.96.0.20
        ports:
        - name: redis
          port: 6379
      """
    And I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: client
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
          env:
          - name: TARGET
            value: $(REDIS_PRIMARY_SERVICE_HOST):6379
      """
    Then pod "client" has environment variable "REDIS_PRIMARY_SERVICE_HOST" with value "10.96.0.20"
    And pod "client" has environment variable "REDIS_PRIMARY_SERVICE_PORT_REDIS" with value "6379"
    And pod "client" has environment variable "REDIS_PRIMARY_PORT_6379_TCP" with value "tcp://10.96.0.20:6379"
    And pod "client" has environment variable "KUBERNETES_SERVICE_HOST" with value "10.96.0.1"
    And pod "client" has environment variable "TARGET" with value "10.96.0.20:6379"

  Scenario: A Service created after the container started is not in its environment
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: early
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx:1.25
      """
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: late
      spec:
        clusterIP: 10.96.0.30
        ports:
        - port: 80
      """
    Then pod "early" has no environment variable "LATE_SERVICE_HOST"
    And pod "early" has environment variable "KUBERNETES_SERVICE_HOST" with value "10.96.0.1"
