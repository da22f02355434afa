Feature: Resolving Services from inside a pod
  A pod's resolver walks its search list (<ns>.svc.cluster.local,
  svc.cluster.local, cluster.local) with ndots:5, as glibc does with the
  resolv.conf the kubelet writes for dnsPolicy ClusterFirst.

  Background:
    Given a cluster with 2 nodes
    When I apply the file "web.yaml"
    And the cluster settles

  Scenario: A short name resolves to the Service's cluster IP
    Then from pod "client", "web" resolves to the cluster IP of service "web"
    And from pod "client", "web.default" resolves to the cluster IP of service "web"
    And from pod "client", "web.default.svc.cluster.local" resolves to the cluster IP of service "web"
    And from pod "client", "nope" does not resolve

  Scenario: A headless Service resolves to its ready pods
    Then service "web-headless" has no cluster IP
    And from pod "client", "web-headless" resolves to the IPs of pods "web-1, web-2"

  Scenario: A pod in another namespace needs the namespace in the name
    When I apply:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: buyer
        namespace: shop
      spec:
        nodeName: node-2
        containers:
        - name: curl
          image: curlimages/curl
      """
    And the cluster settles
    Then from pod "buyer" in namespace "shop", "web" does not resolve
    And from pod "buyer" in namespace "shop", "web.default" resolves to the cluster IP of service "web"
    And a connection from pod "buyer" in namespace "shop" to "web.default:80" reaches one of pods "web-1, web-2"
