Feature: ResourceQuota: admission charges a quota, the quota controller keeps its usage

  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: dev
      ---
      apiVersion: v1
      kind: ResourceQuota
      metadata:
        name: compute
        namespace: dev
      spec:
        hard:
          requests.cpu: "1"
          requests.memory: 1Gi
          pods: "5"
      """

  Scenario: A Deployment whose third pod would exceed the quota gets FailedCreate events on its ReplicaSet
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: dev
      spec:
        replicas: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: web
              image: nginx
              resources:
                requests: {cpu: 400m, memory: 256Mi}
      """
    Then within 10s there are 2 running pods labeled "app=web" in namespace "dev"
    And replicaset "web-fc4db4b95" has event "FailedCreate" with message containing "is forbidden: exceeded quota: compute, requested: requests.cpu=400m, used: requests.cpu=800m, limited: requests.cpu=1" in namespace "dev"
    And resourcequota "compute" has used "requests.cpu=800m" in namespace "dev"
    And resourcequota "compute" has used "requests.memory=512Mi" in namespace "dev"
    And resourcequota "compute" has used "pods=2" in namespace "dev"

  Scenario: A pod without the requests a quota tracks is refused
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: bare
        namespace: dev
      spec:
        containers:
        - name: app
          image: nginx
      """
    Then the request fails with "pods "bare" is forbidden: failed quota: compute: must specify requests.cpu for: app; requests.memory for: app"

  Scenario: Deleting a pod gives its share back
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: one
        namespace: dev
      spec:
        containers:
        - name: app
          image: nginx
          resources:
            requests: {cpu: 600m, memory: 100Mi}
      """
    Then resourcequota "compute" has used "requests.cpu=600m" in namespace "dev"
    And kubectl get resourcequota in namespace "dev" shows:
      | NAME    | REQUEST                                                    | LIMIT |
      | compute | pods: 1/5, requests.cpu: 600m/1, requests.memory: 100Mi/1Gi |       |
    When I delete pod "one" in namespace "dev"
    Then within 1m resourcequota "compute" has used "requests.cpu=0" in namespace "dev"
    And resourcequota "compute" has used "pods=0" in namespace "dev"

  Scenario: An object count quota limits ConfigMaps
    The root CA publisher's kube-root-ca.crt, in every namespace, counts too.

    When I apply:
      """
      apiVersion: v1
      kind: ResourceQuota
      metadata:
        name: objects
        namespace: dev
      spec:
        hard:
          count/configmaps: "2"
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: first
        namespace: dev
      """
    Then resourcequota "objects" has used "count/configmaps=2" in namespace "dev"
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: second
        namespace: dev
      """
    Then the request fails with "configmaps "second" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2"
