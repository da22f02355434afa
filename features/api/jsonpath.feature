Feature: Reading any field with kubectl's JSONPath
  The field "<path>" of <kind> "<name>" is compared as
  `kubectl get <kind> <name> -o jsonpath='<path>'` prints it: strings as
  they are, maps and lists as JSON, several results separated by a space, a
  missing field as nothing. The braces may be left out.

  Background:
    Given a cluster with nodes:
      | name   | zone | labels       |
      | node-1 | z1   | disk=ssd     |
      | node-2 | z2   |              |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        labels: {app: web, tier: front}
        annotations:
          kubernetes.io/change-cause: first <release>
      spec:
        nodeSelector: {disk: ssd}
        containers:
        - name: app
          image: nginx:1.25
          ports:
          - containerPort: 8080
        - name: sidecar
          image: busybox:1.36
      """
    And the cluster settles

  Scenario: Fields, filters, lists and maps
    Then the field "{.spec.nodeName}" of pod "web" is "node-1"
    And the field ".spec.nodeName" of pod "web" is "node-1"
    And the field "spec.nodeName" of pod "web" is "node-1"
    And the field "{.status.conditions[?(@.type=="Ready")].status}" of pod "web" is "True"
    And the field "{.status.conditions[?(@.type=="PodScheduled")].status}" of pod "web" is "True"
    And the field "{.spec.containers[*].name}" of pod "web" is "app sidecar"
    And the field "{.spec.containers[-1].image}" of pod "web" is "busybox:1.36"
    And the field "{.spec.containers[0].ports}" of pod "web" is "[{"containerPort":8080,"protocol":"TCP"}]"
    And the field "{.metadata.labels}" of pod "web" is "{"app":"web","tier":"front"}"
    And the field "{.metadata.annotations.kubernetes\.io/change-cause}" of pod "web" is "first <release>"
    And the field "{.spec.nodeSelector}" of pod "web" is "{"disk":"ssd"}"
    And the field "{range .spec.containers[*]}{.name}={.image};{end}" of pod "web" is "app=nginx:1.25;sidecar=busybox:1.36;"
    And the field "{.metadata.name} on {.spec.nodeName}" of pod "web" is "web on node-1"
    And the field "{.status.containerStatuses[?(@.name=="app")].ready}" of pod "web" is "true"
    And the field "{.status.containerStatuses[0].restartCount}" of pod "web" is "0"

  Scenario: Missing fields are empty
    Then the field ".metadata.annotations.note" of pod "web" is empty
    And the field "{.spec.containers[?(@.name=="nope")].image}" of pod "web" is empty
    And the field "{.spec.hostNetwork}" of pod "web" is empty

  Scenario: Every kind, cluster-scoped ones too
    Then the field "{.metadata.labels.topology\.kubernetes\.io/zone}" of node "node-2" is "z2"
    And the field "{.status.conditions[?(@.type=="Ready")].reason}" of node "node-1" is "KubeletReady"
    And the field "{.spec.clusterIP}" of service "kubernetes" is "10.96.0.1"
    And the field "{.spec.clusterIP}" of svc "kube-dns" is "10.96.0.10" in namespace "kube-system"
    And the field "{.metadata.name}" of namespace "kube-public" is "kube-public"

  Scenario: The field of a pod a controller made
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: api
      spec:
        replicas: 2
        selector:
          matchLabels: {app: api}
        template:
          metadata:
            labels: {app: api}
          spec:
            containers:
            - name: app
              image: nginx:1.25
      """
    And the cluster settles
    Then the field "{.metadata.labels.app}" of pod "deployment/api#1" is "api"
    And the field "{.spec.replicas}" of deployment "api" is "2"
    And the field "{.status.conditions[?(@.type=="Available")].status}" of deployment "api" is "True"
