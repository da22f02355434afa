Feature: Controller managers fail over through their Lease
  Only the kube-controller-manager replica that holds the Lease
  kube-system/kube-controller-manager runs controllers. While nobody leads,
  a change waits; the next leader starts its controllers afresh, lists
  everything and catches up.

  Scenario: A scale-up made while no controller manager leads happens after failover
    Given a cluster with 2 nodes
    And the control plane runs 2 controller managers
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 1
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
              image: nginx:1.25
      """
    Then within 30s deployment "web" has 1 ready replicas
    And controller manager "kube-controller-manager-1" is the leader
    When I stop the leading controller manager
    And I scale deployment "web" to 3 replicas
    And I wait 10s
    Then there are 1 pods labeled "app=web"
    Then within 15s a controller manager leads
    And controller manager "kube-controller-manager-2" is the leader
    And the field "{.spec.leaseTransitions}" of lease "kube-controller-manager" is "1" in namespace "kube-system"
    And within 30s deployment "web" has 3 ready replicas
