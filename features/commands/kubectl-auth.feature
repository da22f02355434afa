Feature: kubectl auth whoami, auth can-i --list and create token against the simulated cluster
  SelfSubjectReview, SelfSubjectRulesReview and the serviceaccounts/token subresource (TokenRequest) are
  answered by the simulated API server as kube-apiserver answers them; kubectl prints them. Skipped when
  kubectl is not installed (pip install kspec[clients]).

  Background:
    Given a cluster with 1 node
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: dev
      """

  Scenario: kubectl auth whoami prints the identity a request carries
    When I run "kubectl auth whoami"
    Then the command succeeds
    And the output is:
      """
      ATTRIBUTE   VALUE
      Username    kubernetes-admin
      Groups      [system:masters system:authenticated]
      """
    When I run "kubectl auth whoami --as jane --as-group dev-team"
    Then the output is:
      """
      ATTRIBUTE   VALUE
      Username    jane
      Groups      [dev-team system:authenticated]
      """

  Scenario: kubectl auth can-i --list lists what a role binding gives in its namespace
    When I run "kubectl create role pod-reader --verb=get,list --resource=pods -n dev"
    And I run "kubectl create rolebinding jane-reads --role=pod-reader --user=jane -n dev"
    Then user "jane" can list pods in namespace "dev"
    When I run "kubectl auth can-i --list -n dev --as jane --no-headers"
    Then the command succeeds
    And the output contains "pods                                            []             []    [get list]"
    When I run "kubectl auth can-i --list --as jane --no-headers"
    Then the output is:
      """
      selfsubjectreviews.authentication.k8s.io        []             []    [create]
      selfsubjectaccessreviews.authorization.k8s.io   []             []    [create]
      selfsubjectrulesreviews.authorization.k8s.io    []             []    [create]
                                                      [/api/*]       []    [get]
                                                      [/api]         []    [get]
                                                      [/apis/*]      []    [get]
                                                      [/apis]        []    [get]
                                                      [/healthz]     []    [get]
                                                      [/healthz]     []    [get]
                                                      [/livez]       []    [get]
                                                      [/livez]       []    [get]
                                                      [/openapi/*]   []    [get]
                                                      [/openapi]     []    [get]
                                                      [/readyz]      []    [get]
                                                      [/readyz]      []    [get]
                                                      [/version/]    []    [get]
                                                      [/version/]    []    [get]
                                                      [/version]     []    [get]
                                                      [/version]     []    [get]
      """

  Scenario: kubectl create token gives a token expiring on the virtual clock
    When I wait 1m
    And I run "kubectl create token default --duration=10m -o jsonpath={.status.expirationTimestamp}"
    Then the command succeeds
    And the output is:
      """
      2025-01-01T00:11:00Z
      """
    When I run "kubectl create token default --duration=5m"
    Then the command fails
    And the output contains "may not specify a duration less than 10 minutes"
