Feature: Defaults the API server fills in
  What a user leaves out is filled in as upstream kube-apiserver does it:
  defaulting, admission (QoS class) and allocation.

  Background:
    Given a cluster with 1 nodes

  Scenario Outline: The QoS class follows from requests and limits
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        containers:
        - name: app
          image: nginx:1.27
          resources: <resources>
      """
    Then pod "app" has QoS class "<qos>"

    Examples:
      | resources                                                                          | qos        |
      | {}                                                                                 | BestEffort |
      | {requests: {cpu: 100m}}                                                            | Burstable  |
      | {limits: {cpu: 500m, memory: 128Mi}}                                               | Guaranteed |
      | {requests: {cpu: 500m, memory: 128Mi}, limits: {cpu: 500m, memory: 128Mi}}         | Guaranteed |
      | {requests: {cpu: 250m, memory: 128Mi}, limits: {cpu: 500m, memory: 128Mi}}         | Burstable  |
      | {requests: {ephemeral-storage: 1Gi}}                                               | BestEffort |

  Scenario: One best-effort container and one guaranteed container make a Burstable pod
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: mixed
      spec:
        containers:
        - name: sidecar
          image: busybox:1.36
        - name: app
          image: nginx:1.27
          resources:
            limits: {cpu: "1", memory: 1Gi}
      """
    Then pod "mixed" has QoS class "Burstable"

  Scenario: A Service defaults to ClusterIP with TCP ports
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        clusterIP: 10.96.100.100
        selector: {app: web}
        ports:
        - port: 80
      """
    Then kubectl get services shows:
      | NAME | TYPE      | CLUSTER-IP    | EXTERNAL-IP | PORT(S) |
      | web  | ClusterIP | 10.96.100.100 | <none>      | 80/TCP  |

  Scenario: ConfigMaps count their keys
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        mode: fast
        level: "3"
      binaryData:
        blob: aGVsbG8=
      """
    Then kubectl get configmaps shows:
      | NAME     | DATA |
      | settings | 3    |
