Feature: LoadBalancer Services bring traffic in from outside the cluster
  A LoadBalancer Service is a NodePort Service plus an address outside the
  cluster's own networks. The built-in load balancer ("pool", like MetalLB or
  a cloud network load balancer) takes the first free address of its pool
  (172.18.255.200-172.18.255.250 unless a spec sets another), writes it into
  status.loadBalancer.ingress, and delivers each connection to that address
  to a node, where kube-proxy's rules for the load-balancer IP send it on to
  a pod. A Service asking for a loadBalancerClass that nothing serves stays
  pending, as does one that finds the pool empty.

  Scenario Outline: <mode> mode: a LoadBalancer Service is reachable from outside on its IP
    Given a cluster with 2 nodes
    And the cluster uses the "<mode>" proxy
    When I apply the file "lb-web.yaml"
    And the cluster settles
    Then service "web" has a load balancer IP in "172.18.255.200/32"
    And a connection from outside to "172.18.255.200:80" reaches one of pods "web-1, web-2"
    And 20 connections from outside to "172.18.255.200:80" reach every one of pods "web-1, web-2"
    And a connection from outside to "node-1:30080" reaches one of pods "web-1, web-2"
    And a connection from outside to "172.18.255.200:81" times out
    And a connection from outside to "10.96.0.30:80" times out

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |

  Scenario: Without a free address in the pool the Service stays pending until one is freed
    Given a cluster with 2 nodes
    And the load balancer pool is "172.18.255.10-172.18.255.10"
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: second
      spec:
        type: LoadBalancer
        selector:
          app: web
        ports:
        - port: 80
          targetPort: 8080
      """
    And the cluster settles
    Then service "web" has a load balancer IP in "172.18.255.10/32"
    And service "second" has no load balancer IP
    When I delete service "web"
    And the cluster settles
    Then service "second" has a load balancer IP in "172.18.255.10/32"
    And a connection from outside to "172.18.255.10:80" reaches one of pods "web-1, web-2"

  Scenario: A loadBalancerClass no implementation serves stays pending
    Given a cluster with 2 nodes
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: classy
      spec:
        type: LoadBalancer
        loadBalancerClass: example.com/other-lb
        selector:
          app: web
        ports:
        - port: 80
          targetPort: 8080
      """
    And the cluster settles
    Then service "classy" has no load balancer IP
    And service "web" has a load balancer IP in "172.18.255.200/32"

  Scenario Outline: <mode> mode: without allocateLoadBalancerNodePorts the load balancer still reaches the pods
    Given a cluster with 2 nodes
    And the cluster uses the "<mode>" proxy
    And the load balancer pool is "192.0.2.0/28"
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: direct
      spec:
        type: LoadBalancer
        allocateLoadBalancerNodePorts: false
        selector:
          app: web
        ports:
        - port: 8000
          targetPort: 8080
      """
    And the cluster settles
    Then service "web" has a load balancer IP in "192.0.2.1/32"
    And service "direct" has a load balancer IP in "192.0.2.2/32"
    And the field "{.spec.ports[0].nodePort}" of service "direct" is empty
    And the field "{.spec.ports[0].nodePort}" of service "web" is "30080"
    And a connection from outside to "192.0.2.2:8000" reaches one of pods "web-1, web-2"

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |

  Scenario Outline: <mode> mode: loadBalancerSourceRanges drops other clients
    Given a cluster with 2 nodes
    And the cluster uses the "<mode>" proxy
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: LoadBalancer
        clusterIP: 10.96.0.30
        loadBalancerSourceRanges:
        - 203.0.113.0/24
        selector:
          app: web
        ports:
        - name: http
          port: 80
          targetPort: 8080
          nodePort: 30080
      """
    And the cluster settles
    Then a connection from outside to "172.18.255.200:80" reaches one of pods "web-1, web-2"
    And a connection from outside address "203.0.113.99" to "172.18.255.200:80" reaches one of pods "web-1, web-2"
    And a connection from outside address "198.51.100.7" to "172.18.255.200:80" times out

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |

  Scenario: kube-proxy's iptables rules for a load-balancer IP with source ranges
    Given a cluster with 2 nodes
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: LoadBalancer
        clusterIP: 10.96.0.30
        loadBalancerSourceRanges:
        - 203.0.113.0/24
        selector:
          app: web
        ports:
        - name: http
          port: 80
          targetPort: 8080
          nodePort: 30080
      """
    And the cluster settles
    Then the iptables rules of node "node-1" include:
      """
      -A KUBE-SERVICES -m comment --comment "default/web:http loadbalancer IP" -m tcp -p tcp -d 172.18.255.200 --dport 80 -j KUBE-FW-CDGGSHYLG3RE2FKL
      -A KUBE-FW-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http loadbalancer IP" -s 203.0.113.0/24 -j KUBE-EXT-CDGGSHYLG3RE2FKL
      -A KUBE-FW-CDGGSHYLG3RE2FKL -m comment --comment "other traffic to default/web:http will be dropped by KUBE-PROXY-FIREWALL"
      -A KUBE-PROXY-FIREWALL -m comment --comment "default/web:http traffic not accepted by KUBE-FW-CDGGSHYLG3RE2FKL" -m tcp -p tcp -d 172.18.255.200 --dport 80 -j DROP
      -A KUBE-EXT-CDGGSHYLG3RE2FKL -m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ
      """

  Scenario: kube-proxy's nftables rules for a load-balancer IP with source ranges
    Given a cluster with 2 nodes
    And the cluster uses the "nftables" proxy
    When I apply the file "lb-web.yaml"
    And I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: LoadBalancer
        clusterIP: 10.96.0.30
        loadBalancerSourceRanges:
        - 203.0.113.0/24
        selector:
          app: web
        ports:
        - name: http
          port: 80
          targetPort: 8080
          nodePort: 30080
      """
    And the cluster settles
    Then the nftables rules of node "node-1" include:
      """
      elements = { 172.18.255.200 . tcp . 80 : goto firewall-SUSTUHLJ-default/web/tcp/http }
      chain firewall-check {
      ip daddr . meta l4proto . th dport vmap @firewall-ips
      chain firewall-SUSTUHLJ-default/web/tcp/http {
      ip saddr != { 203.0.113.0/24 } drop
      chain external-SUSTUHLJ-default/web/tcp/http {
      jump mark-for-masquerade
      goto service-SUSTUHLJ-default/web/tcp/http
      numgen random mod 2 vmap { 0 : goto endpoint-CFQGW5QF-default/web/tcp/http__10.244.0.2/8080, 1 : goto endpoint-SVLGPL42-default/web/tcp/http__10.244.1.2/8080 }
      """
    And a connection from outside address "203.0.113.9" to "172.18.255.200:80" reaches one of pods "web-1, web-2"
    And a connection from outside address "198.51.100.7" to "172.18.255.200:80" times out
