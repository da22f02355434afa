Feature: A pod that fails its readiness probe stops getting traffic
  The kubelet marks the pod not ready, the Endpoints controller moves it to
  notReadyAddresses, kube-proxy drops it from the Service's rules at its next
  sync, and the headless Service's DNS answer (after CoreDNS's 30 s cache)
  no longer lists it.

  Scenario Outline: <mode> mode: web-2 fails its readiness probe
    Given a cluster with 2 nodes
    And the cluster uses the "<mode>" proxy
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
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-2
        labels:
          app: web
      spec:
        nodeName: node-2
        containers:
        - name: app
          image: nginx
          ports:
          - containerPort: 8080
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: client
      spec:
        nodeName: node-1
        containers:
        - name: curl
          image: curlimages/curl
      """
    Then within 1m the endpoints of service "web" are pods "web-1, web-2"
    And within 2s 30 connections from pod "client" to "web:80" reach every one of pods "web-1, web-2"
    When the readiness probe of pod "web-2" starts failing
    Then within 1m the not-ready endpoints of service "web" are pods "web-2"
    And within 2s 30 connections from pod "client" to "web:80" reach every one of pods "web-1"
    And a connection from pod "client" to "web:80" reaches one of pods "web-1"

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |
