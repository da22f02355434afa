Feature: Naming the pods that controllers made
  Controllers give their pods random names, so a spec names them through
  their workload. Where a step says pod "...", deployment/web#0 is the first
  current (not terminating) pod of Deployment web, ordered by creation time,
  then name. In a pod list, deployment/web is every current pod of it
  (through its ReplicaSets), and shop/web-0 is pod web-0 in namespace shop.
  kubectl's short names work: deploy, rs, sts, ds.

  Background:
    Given a cluster with 3 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.25
              ports:
              - containerPort: 8080
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        selector: {app: web}
        ports:
        - port: 80
          targetPort: 8080
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
    And the cluster settles

  Scenario: A Deployment's pods are named by index and as a whole
    Then pod "deployment/web#0" is ready
    And pod "deploy/web#2" is Running
    And the field "{.metadata.labels.app}" of pod "deployment/web#1" is "web"
    And the field "{.metadata.ownerReferences[0].kind}" of pod "deployment/web#1" is "ReplicaSet"
    And the endpoints of service "web" are pods "deployment/web"
    And the endpoints of service "web" are pods "deploy/web"
    And a connection from pod "client" to "web:80" reaches one of pods "deployment/web"
    And 30 connections from pod "client" to "web:80" reach every one of pods "deployment/web"
    And from pod "deployment/web#0", "web" resolves to the cluster IP of service "web"

  Scenario: A list follows the workload as its pods are replaced and scaled away
    When I delete pod "deployment/web#0"
    Then within 1m there are 3 running pods labeled "app=web"
    And within 1m the endpoints of service "web" are pods "deployment/web"
    When I scale deployment "web" to 1 replicas
    Then within 1m the endpoints of service "web" are pods "deployment/web"
    And pod "deployment/web#0" is ready
    And pod "deployment/web#0" exists
    And within 1m pod "deployment/web#1" does not exist
    When I scale deployment "web" to 0 replicas
    Then within 1m the endpoints of service "web" are pods "deployment/web"
    And the endpoints of service "web" are pods "none"

  Scenario: A rollout's new pods come after the old ones
    When I set the image of deployment "web" to "nginx:1.26"
    And the cluster settles
    Then deployment "web" is rolled out
    And the field "{.spec.containers[0].image}" of pod "deployment/web#0" is "nginx:1.26"
    And the field "{.spec.containers[0].image}" of pod "deployment/web#2" is "nginx:1.26"

  Scenario: StatefulSet pods in another namespace, by index and by namespace
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: web-headless
        namespace: shop
      spec:
        clusterIP: None
        selector: {app: shop}
        ports:
        - port: 80
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
        namespace: shop
      spec:
        serviceName: web-headless
        replicas: 2
        selector:
          matchLabels: {app: shop}
        template:
          metadata:
            labels: {app: shop}
          spec:
            containers:
            - name: app
              image: nginx:1.25
      """
    And the cluster settles
    Then the field "{.metadata.name}" of pod "statefulset/web#0" is "web-0" in namespace "shop"
    And the field "{.metadata.name}" of pod "sts/web#1" is "web-1" in namespace "shop"
    And pod "statefulset/web#1" is ready in namespace "shop"
    And from pod "client", "web-headless.shop" resolves to the IPs of pods "shop/web-0, shop/web-1"
    And the endpoints of service "web-headless" are pods "statefulset/web" in namespace "shop"
    And the endpoints of service "web-headless" are pods "web-0, web-1" in namespace "shop"

  Scenario: DaemonSet and Job pods
    Given image "busybox:ok" exits with code 0 after 5s
    When I apply:
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels: {app: agent}
        template:
          metadata:
            labels: {app: agent}
          spec:
            containers:
            - name: agent
              image: fluentd:1.16
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: agent
      spec:
        selector: {app: agent}
        ports:
        - port: 24224
      ---
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: batch
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: work
              image: busybox:ok
      """
    And the cluster settles
    Then the endpoints of service "agent" are pods "ds/agent"
    And the endpoints of service "agent" are pods "daemonset/agent"
    And pod "daemonset/agent#2" is Running
    And within 1m pod "job/batch#0" is Succeeded
    And container "work" of pod "job/batch#0" is terminated with reason "Completed"
