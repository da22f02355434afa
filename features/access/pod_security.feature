Feature: Pod Security admission: the namespace's enforce and warn levels

  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: secure
        labels:
          pod-security.kubernetes.io/enforce: restricted
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: audited
        labels:
          pod-security.kubernetes.io/enforce: baseline
          pod-security.kubernetes.io/warn: restricted
      """

  Scenario: The restricted level refuses a pod running as root
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: root
        namespace: secure
      spec:
        securityContext:
          runAsUser: 0
        containers:
        - name: app
          image: nginx
      """
    Then the request fails with "pods "root" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), runAsUser=0 (pod must not set runAsUser=0), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"

  Scenario: A pod that meets the restricted level is admitted
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: locked-down
        namespace: secure
      spec:
        securityContext:
          runAsNonRoot: true
          runAsUser: 1000
          seccompProfile: {type: RuntimeDefault}
        containers:
        - name: app
          image: nginx
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
      """
    Then the request succeeds
    And within 10s pod "locked-down" is Running in namespace "secure"

  Scenario: The warn level admits the pod with a warning
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: loose
        namespace: audited
      spec:
        containers:
        - name: app
          image: nginx
      """
    Then the request succeeds with warning "would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)"
    And within 10s pod "loose" is Running in namespace "audited"

  Scenario: A Deployment is warned about its template, and its pods are refused when created
    When I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: privileged
        namespace: secure
      spec:
        replicas: 1
        selector:
          matchLabels: {app: privileged}
        template:
          metadata:
            labels: {app: privileged}
          spec:
            containers:
            - name: app
              image: nginx
              securityContext:
                privileged: true
      """
    Then the request succeeds with warning "would violate PodSecurity "restricted:latest": privileged (container "app" must not set securityContext.privileged=true)"
    And within 10s deployment "privileged" has condition "ReplicaFailure" with reason "FailedCreate" in namespace "secure"

  Scenario: Enforcing a level on a namespace warns about the pods already there
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: legacy
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: old-app
        namespace: legacy
      spec:
        containers:
        - name: app
          image: nginx
      """
    And I try to apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: legacy
        labels:
          pod-security.kubernetes.io/enforce: restricted
      """
    Then the request succeeds with warning "existing pods in namespace "legacy" violate the new PodSecurity enforce level "restricted:latest""
    And the request succeeds with warning "old-app: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile"
    And within 10s pod "old-app" is Running in namespace "legacy"
