Feature: Services get addresses from the service CIDR and the node-port range
  The cluster's service CIDR is 10.96.0.0/12: the kubernetes Service holds
  10.96.0.1 and cluster DNS 10.96.0.10. Node ports come from 30000-32767.

  Scenario: A ClusterIP Service gets an address in the service CIDR
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        selector: {app: web}
        ports:
        - port: 80
          targetPort: 8080
      """
    Then service "web" has a cluster IP in "10.96.0.0/12"
    And service "kubernetes" has a cluster IP in "10.96.0.1/32"
    And service "kube-dns" has a cluster IP in "10.96.0.10/32" in namespace "kube-system"

  Scenario: A headless Service has no cluster IP
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: db
      spec:
        clusterIP: None
        selector: {app: db}
        ports:
        - port: 5432
      """
    Then service "db" has no cluster IP
    And kubectl get services shows:
      | NAME | TYPE      | CLUSTER-IP | PORT(S)  |
      | db   | ClusterIP | None       | 5432/TCP |

  Scenario: A NodePort Service gets a node port in the default range
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: NodePort
        selector: {app: web}
        ports:
        - port: 80
      """
    Then service "web" has a node port in range 30000-32767
    And service "web" has a cluster IP in "10.96.0.0/12"

  Scenario: A requested node port is shown by kubectl
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: NodePort
        clusterIP: 10.96.5.5
        selector: {app: web}
        ports:
        - port: 80
          nodePort: 30080
      """
    Then kubectl get services shows:
      | NAME | TYPE     | CLUSTER-IP | PORT(S)      |
      | web  | NodePort | 10.96.5.5  | 80:30080/TCP |

  Scenario: A TCP and a UDP port with one number share one node port
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: dns
      spec:
        type: NodePort
        clusterIP: 10.96.5.53
        selector: {app: dns}
        ports:
        - name: dns-tcp
          port: 53
          protocol: TCP
        - name: dns
          port: 53
          protocol: UDP
          nodePort: 30053
      """
    Then kubectl get services shows:
      | NAME | TYPE     | CLUSTER-IP | PORT(S)                   |
      | dns  | NodePort | 10.96.5.53 | 53:30053/TCP,53:30053/UDP |

  Scenario: A node port outside the range is refused
    When I try to apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        type: NodePort
        selector: {app: web}
        ports:
        - port: 80
          nodePort: 40000
      """
    Then the request fails with "spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767"

  Scenario: A cluster IP that is already taken is refused
    When I try to apply:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: dns-copy
      spec:
        clusterIP: 10.96.0.10
        ports:
        - port: 53
          protocol: UDP
      """
    Then the request fails with "failed to allocate IP 10.96.0.10: provided IP is already allocated"
    And service "dns-copy" does not exist
