Feature: Who may do what: users, groups, service accounts and RBAC
  Every request is authorized by kube-apiserver's RBAC authorizer: the rules of the roles that bindings
  give the user, nothing else. The cluster admin (group system:masters) may do anything; everyone else
  only what a binding grants, and a refusal says exactly what was asked.

  Background:
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: dev}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod}
      """

  Scenario: A developer with edit in one namespace cannot touch another
    When I apply:
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: alice-edit, namespace: dev}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
      subjects:
      - {kind: User, name: alice}
      """
    Then user "alice" can create deployments.apps in namespace "dev"
    And user "alice" can delete pods in namespace "dev"
    And user "alice" can get pods/log in namespace "dev"
    And user "alice" cannot create roles.rbac.authorization.k8s.io in namespace "dev"
    And user "alice" cannot list pods in namespace "prod"
    And user "alice" cannot list nodes
    When I act as user "alice"
    And I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings, namespace: dev}
      data: {mode: fast}
      """
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings, namespace: prod}
      data: {mode: fast}
      """
    Then the request fails with "configmaps "settings" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "prod""
    And configmap "settings" exists in namespace "dev"

  Scenario: The Forbidden message of a denied create names the verb, resource, group and namespace
    When I apply:
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: reader, namespace: dev}
      rules:
      - apiGroups: [""]
        resources: [configmaps]
        verbs: [get, list]
      - apiGroups: [apps]
        resources: [deployments]
        verbs: [get, list]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: bob-reads, namespace: dev}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
      subjects:
      - {kind: Group, name: qa}
      """
    When I act as user "bob" in groups "qa"
    And I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: dev}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: app, image: nginx:1.27}]
      """
    Then the request fails with "Error from server (Forbidden): error when creating "STDIN": deployments.apps is forbidden: User "bob" cannot create resource "deployments" in API group "apps" in the namespace "dev""
    When I act as the cluster admin
    Then deployment "web" does not exist in namespace "dev"

  Scenario: A service account bound to a Role can list pods but not delete them
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: builder, namespace: shop}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: pod-reader, namespace: shop}
      rules:
      - apiGroups: [""]
        resources: [pods]
        verbs: [get, list, watch]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: builder-reads-pods, namespace: shop}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
      subjects:
      - {kind: ServiceAccount, name: builder, namespace: shop}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop}
      spec:
        serviceAccountName: builder
        containers: [{name: app, image: nginx:1.27}]
      """
    Then service account "shop/builder" can list pods in namespace "shop"
    And service account "shop/builder" can get pods named "web" in namespace "shop"
    And service account "shop/builder" cannot delete pods in namespace "shop"
    And service account "shop/builder" cannot get pods/log in namespace "shop"
    And service account "shop/builder" cannot list pods in namespace "dev"
    When I act as service account "shop/builder"
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: cache, namespace: shop}
      """
    Then the request fails with "User "system:serviceaccount:shop:builder" cannot get resource "configmaps" in API group "" in the namespace "shop""

  Scenario: An aggregated ClusterRole gains the rules of a labelled ClusterRole when it appears
    When I apply:
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: carol-views}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
      subjects:
      - {kind: User, name: carol}
      """
    Then user "carol" can list pods in namespace "prod"
    And user "carol" cannot list cronjobs.batch.example.com in namespace "prod"
    When I apply:
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata:
        name: crontabs-view
        labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
      rules:
      - apiGroups: [batch.example.com]
        resources: [cronjobs]
        verbs: [get, list, watch]
      """
    Then user "carol" can list cronjobs.batch.example.com in namespace "prod"
    And user "carol" cannot delete cronjobs.batch.example.com in namespace "prod"

  Scenario: A namespace admin cannot bind a role that grants more than they hold
    When I apply:
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: dana-admin, namespace: dev}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
      subjects:
      - {kind: User, name: dana}
      """
    When I act as user "dana"
    And I apply:
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: erin-edit, namespace: dev}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
      subjects:
      - {kind: User, name: erin}
      """
    And I try to apply:
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: dana-root, namespace: dev}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
      subjects:
      - {kind: User, name: dana}
      """
    Then the request fails with "rolebindings.rbac.authorization.k8s.io "dana-root" is forbidden: user "dana" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:"
    And user "erin" can update deployments.apps in namespace "dev"

  Scenario: Bindings print their role and, wide, their subjects
    When I apply:
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: team, namespace: dev}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
      subjects:
      - {kind: User, name: alice}
      - {kind: Group, name: qa}
      - {kind: ServiceAccount, name: ci, namespace: tools}
      """
    Then kubectl get rolebindings -o wide in namespace "dev" shows:
      | NAME | ROLE             | USERS | GROUPS | SERVICEACCOUNTS |
      | team | ClusterRole/view | alice | qa     | tools/ci        |
