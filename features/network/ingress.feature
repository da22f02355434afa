Feature: Ingress routes HTTP from outside by host and path
  An Ingress is layer-7 routing: the ingress controller (the built-in "nginx",
  modelled on ingress-nginx) picks a backend Service by the request's Host and
  path, and sends the request straight to one of that Service's ready
  endpoints. Unlike a LoadBalancer Service it needs a controller: it serves
  the IngressClasses whose controller is k8s.io/ingress-nginx, and brings its
  own LoadBalancer Service (ingress-nginx/ingress-nginx-controller), whose
  address it writes into each served Ingress's status. A request nothing
  matches gets the default backend's 404.

  Background:
    Given a cluster with 2 nodes

  Scenario Outline: <mode> mode: two hosts and three paths to two Services, and the default backend's 404
    Given the cluster uses the "<mode>" proxy
    When I apply the file "ingress-shop.yaml"
    And I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: shop
      spec:
        ingressClassName: nginx
        tls:
        - hosts: [secure.example.com]
          secretName: secure-tls
        rules:
        - host: shop.example.com
          http:
            paths:
            - path: /api
              pathType: Prefix
              backend:
                service:
                  name: api
                  port:
                    number: 80
            - path: /
              pathType: Prefix
              backend:
                service:
                  name: web
                  port:
                    name: http
        - host: secure.example.com
          http:
            paths:
            - path: /admin
              pathType: Prefix
              backend:
                service:
                  name: api
                  port:
                    number: 80
      """
    And the cluster settles
    Then the field "{.status.loadBalancer.ingress[0].ip}" of service "ingress-nginx-controller" is "172.18.255.200" in namespace "ingress-nginx"
    And the field "{.status.loadBalancer.ingress[0].ip}" of ingress "shop" is "172.18.255.200"
    And an HTTP request from outside to "http://shop.example.com/api" reaches one of pods "api-1"
    And an HTTP request from outside to "http://shop.example.com/api/v1/orders" reaches one of pods "api-1"
    And an HTTP request from outside to "http://shop.example.com/apix" reaches one of pods "web-1, web-2"
    And an HTTP request from outside to "http://shop.example.com/" reaches one of pods "web-1, web-2"
    And an HTTP request from outside to "https://secure.example.com/admin/users" reaches one of pods "api-1"
    And an HTTP request from outside to "http://secure.example.com/admin" gets status 308
    And an HTTP request from outside to "https://secure.example.com/shop" gets status 404
    And an HTTP request from outside to "http://other.example.com/api" gets status 404
    When I delete pod "api-1"
    And the cluster settles
    Then an HTTP request from outside to "http://shop.example.com/api" gets status 503

    Examples:
      | mode     |
      | iptables |
      | ipvs     |
      | nftables |

  Scenario: Exact before Prefix, and a Prefix path matches whole path elements
    When I apply the file "ingress-shop.yaml"
    And I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: paths
      spec:
        rules:
        - host: shop.example.com
          http:
            paths:
            - path: /foo
              pathType: Exact
              backend:
                service:
                  name: api
                  port:
                    number: 80
            - path: /foo
              pathType: Prefix
              backend:
                service:
                  name: web
                  port:
                    number: 80
      """
    And the cluster settles
    Then the field "{.spec.ingressClassName}" of ingress "paths" is "nginx"
    And an HTTP request from outside to "http://shop.example.com/foo" reaches one of pods "api-1"
    And an HTTP request from outside to "http://shop.example.com/foo/" reaches one of pods "web-1, web-2"
    And an HTTP request from outside to "http://shop.example.com/foo/bar" reaches one of pods "web-1, web-2"
    And an HTTP request from outside to "http://shop.example.com/foobar" gets status 404

  Scenario: A wildcard host matches exactly one DNS label
    When I apply the file "ingress-shop.yaml"
    And I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: wild
      spec:
        ingressClassName: nginx
        rules:
        - host: "*.example.com"
          http:
            paths:
            - path: /
              pathType: Prefix
              backend:
                service:
                  name: web
                  port:
                    number: 80
        - host: api.example.com
          http:
            paths:
            - path: /
              pathType: Prefix
              backend:
                service:
                  name: api
                  port:
                    number: 80
      """
    And the cluster settles
    Then an HTTP request from outside to "http://shop.example.com/" reaches one of pods "web-1, web-2"
    And an HTTP request from outside to "http://api.example.com/" reaches one of pods "api-1"
    And an HTTP request from outside to "http://a.b.example.com/" gets status 404
    And an HTTP request from outside to "http://example.com/" gets status 404

  Scenario: An Ingress of a class nobody serves gets no address and routes nothing
    When I apply the file "ingress-shop.yaml"
    And I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: elsewhere
      spec:
        ingressClassName: traefik
        rules:
        - host: shop.example.com
          http:
            paths:
            - path: /
              pathType: Prefix
              backend:
                service:
                  name: web
                  port:
                    number: 80
      """
    And the cluster settles
    Then the field "{.status.loadBalancer.ingress}" of ingress "elsewhere" is empty
    And an HTTP request from outside to "http://shop.example.com/" gets status 404

  Scenario: An Ingress must name a pathType for each path
    When I try to apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: bad
      spec:
        rules:
        - host: shop.example.com
          http:
            paths:
            - path: /a//b
              pathType: Prefix
              backend:
                service:
                  name: web
                  port:
                    number: 80
            - path: /c
              backend:
                service:
                  name: web
                  port:
                    number: 80
      """
    Then the request fails with "spec.rules[0].http.paths[0].path: Invalid value"
    And the request fails with "must not contain '//'"
    And the request fails with "spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified"

  Scenario: An Ingress's own defaultBackend answers what no path matches; a missing Service answers 503
    When I apply the file "ingress-shop.yaml"
    And I apply:
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: fallback
      spec:
        ingressClassName: nginx
        defaultBackend:
          service:
            name: web
            port:
              number: 80
        rules:
        - host: shop.example.com
          http:
            paths:
            - path: /api
              pathType: Prefix
              backend:
                service:
                  name: api
                  port:
                    number: 80
            - path: /gone
              pathType: Exact
              backend:
                service:
                  name: missing
                  port:
                    number: 80
      """
    And the cluster settles
    Then an HTTP request from outside to "http://shop.example.com/api" reaches one of pods "api-1"
    And an HTTP request from outside to "http://shop.example.com/other" reaches one of pods "web-1, web-2"
    And an HTTP request from outside to "http://anything.example.org/" reaches one of pods "web-1, web-2"
    And an HTTP request from outside to "http://shop.example.com/gone" gets status 503
