Feature: kubectl apply creates, then updates in place
  Applying a manifest a second time changes only what the manifest changed:
  labels and replicas follow the manifest, fields the server filled in stay.

  Scenario: Applying a changed label and replica count updates the Deployment
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {tier: frontend, team: blue}
      spec:
        replicas: 2
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.27
      """
    And I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {tier: backend}
      spec:
        replicas: 5
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.27
      """
    Then kubectl get deployments -o wide shows:
      | NAME | CONTAINERS | IMAGES     | SELECTOR |
      | web  | app        | nginx:1.27 | app=web  |
    And deployment "web" exists

  Scenario: Applying the same ConfigMap twice is accepted and keeps one object
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data: {mode: fast}
      """
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data: {mode: slow, level: "2"}
      """
    Then the request succeeds
    And kubectl get configmaps shows:
      | NAME     | DATA |
      | settings | 2    |

  Scenario: A key dropped from the manifest is dropped from the object
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data: {mode: fast, level: "3", debug: "true"}
      """
    And I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data: {mode: fast}
      """
    Then kubectl get configmaps shows:
      | NAME     | DATA |
      | settings | 1    |

  Scenario: A pod's containers cannot be changed by apply, except their images
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
      """
    And I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        containers:
        - name: app
          image: nginx:1.27
          env:
          - {name: MODE, value: fast}
      """
    Then the request fails with "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`"

  Scenario: A PriorityClass made earlier in the manifest is there for the pod after it
    When I apply:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: critical
      value: 1000000
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        priorityClassName: critical
        containers:
        - name: app
          image: nginx:1.27
      """
    Then pod "app" exists
    And priorityclass "critical" exists

  Scenario: A rejected document neither undoes the ones before it nor stops the ones after it
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: before
      data: {mode: fast}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: Bad_Name
      spec:
        containers:
        - name: app
          image: nginx:1.27
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: after
      data: {mode: slow}
      """
    Then the request fails with "Pod "Bad_Name" is invalid"
    And configmap "before" exists
    And configmap "after" exists
    And pod "Bad_Name" does not exist

  Scenario: Every rejected document is reported, as kubectl prints one error per document
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: Bad_Name
      spec:
        containers:
        - name: app
          image: nginx:1.27
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: lost
        namespace: nowhere
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: kept
      """
    Then the request fails with "Error from server (Invalid): error when creating "STDIN": Pod "Bad_Name" is invalid"
    And the request fails with "namespaces "nowhere" not found"
    And configmap "kept" exists
