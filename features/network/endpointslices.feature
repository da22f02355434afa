Feature: EndpointSlices: what kube-proxy and CoreDNS read about a Service's pods
  The EndpointSlice controller writes each Service's pods into slices of at
  most 100 endpoints, labelled kubernetes.io/service-name and
  endpointslice.kubernetes.io/managed-by, each endpoint with its ready,
  serving and terminating conditions. A Service without a selector gets its
  hand-made Endpoints mirrored into a slice.

  Background:
    Given a cluster with 2 nodes

  Scenario: A Service with 150 pods gets two slices
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        selector:
          app: web
        ports:
        - name: http
          port: 80
          targetPort: 8080
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 150
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
            - name: app
              image: nginx
              resources:
                requests:
                  cpu: 1m
                  memory: 1Mi
      """
    Then within 2m deployment "web" has 150 ready replicas
    And within 5s the endpoint slices of service "web" have 100 and 50 endpoints

  Scenario: A pod that is not ready is in the slice with ready false
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        selector:
          app: web
        ports:
        - port: 80
          targetPort: 8080
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels:
          app: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx
          ports:
          - containerPort: 8080
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
      """
    Then within 1m in the endpoint slices of service "web", pod "web-1" is ready
    And in the endpoint slices of service "web", pod "web-1" is serving
    And in the endpoint slices of service "web", pod "web-1" is not terminating
    When the readiness probe of pod "web-1" starts failing
    Then within 1m in the endpoint slices of service "web", pod "web-1" is not ready
    And in the endpoint slices of service "web", pod "web-1" is not serving
    And the not-ready endpoints of service "web" are pods "web-1"

  Scenario: A terminating pod is serving and terminating, and no longer ready
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        selector:
          app: web
        ports:
        - port: 80
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels:
          app: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx
          lifecycle:
            preStop:
              sleep:
                seconds: 20
      """
    Then within 1m in the endpoint slices of service "web", pod "web-1" is ready
    When I delete pod "web-1"
    Then within 1s in the endpoint slices of service "web", pod "web-1" is terminating
    And in the endpoint slices of service "web", pod "web-1" is serving
    And in the endpoint slices of service "web", pod "web-1" is not ready
    And the endpoints of service "web" are pods "none"

  Scenario Outline: <mode> mode: a Service without a selector gets its hand-made Endpoints mirrored, and kube-proxy routes by them
    Given the cluster uses the "<mode>" proxy
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: pg-1
      spec:
        nodeName: node-1
        containers:
        - name: pg
          image: postgres
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: client
      spec:
        nodeName: node-2
        containers:
        - name: curl
          image: curlimages/curl
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: db
      spec:
        ports:
        - name: pg
          port: 5432
      ---
      apiVersion: v1
      kind: Endpoints
      metadata:
        name: db
      subsets:
      - addresses:
        - ip: 10.244.0.2
        ports:
        - name: pg
          port: 5432
      """
    Then within 1m pod "pg-1" is Running
    And the field "status.podIP" of pod "pg-1" is "10.244.0.2"
    And within 5s the endpoint slices of service "db" have 1 endpoints
    And within 5s a connection from pod "client" to "db:5432" reaches one of pods "pg-1"

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |

  Scenario Outline: <mode> mode: while its only pod terminates, kube-proxy keeps sending it traffic (serving and terminating)
    Given the cluster uses the "<mode>" proxy
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        selector:
          app: web
        ports:
        - port: 80
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels:
          app: web
      spec:
        nodeName: node-1
        containers:
        - name: app
          image: nginx
          lifecycle:
            preStop:
              sleep:
                seconds: 20
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: client
      spec:
        nodeName: node-2
        containers:
        - name: curl
          image: curlimages/curl
      """
    Then within 1m a connection from pod "client" to "web:80" reaches one of pods "web-1"
    When I delete pod "web-1"
    Then within 1s in the endpoint slices of service "web", pod "web-1" is terminating
    When I wait 5s
    Then a connection from pod "client" to "web:80" reaches one of pods "web-1"
    When I wait 20s
    Then a connection from pod "client" to "web:80" is refused

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |
