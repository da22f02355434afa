Feature: Requests are decoded into typed objects before anything else sees them
  kube-apiserver unmarshals every body into the kind's Go struct, and kubectl
  asks for strict field validation: a value of the wrong type, an unknown field
  or a repeated field is refused with a 400 before defaulting, admission or
  validation. YAML is read as kubectl reads it.

  Scenario: A string where an integer belongs is a type error
    When I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: '3'
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
    Then the request fails with "Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
    And deployment "web" does not exist

  Scenario: A fraction is not an int32
    When I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 1.5
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
    Then the request fails with "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"

  Scenario: A number beyond int32 is refused, not run
    When I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 2147483648
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
    Then the request fails with "json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32"

  Scenario: Misspelt fields are unknown fields, all of them named
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        nme: web
        name: web
      spec:
        containers:
        - name: app
          imagee: nginx:1.27
      """
    Then the request fails with "Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.nme", unknown field "spec.containers[0].imagee""
    And pod "web" does not exist

  Scenario: A misspelt list of containers in a pod template
    When I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            contianers:
            - name: app
              image: nginx:1.27
      """
    Then the request fails with "strict decoding error: unknown field "spec.template.spec.contianers""

  Scenario: A key written twice is a duplicate field
    When I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 2
        replicas: 3
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
    Then the request fails with "strict decoding error: duplicate field "spec.replicas""

  Scenario: A YAML boolean is not a label value
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        labels: {enabled: yes}
      """
    Then the request fails with "ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string"

  Scenario: A YAML boolean is not ConfigMap data
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        enabled: true
      """
    Then the request fails with "json: cannot unmarshal bool into Go struct field ConfigMap.data of type string"

  Scenario: A date-looking name is the string kubectl sends
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: 2024-01-01
      data:
        since: 2024-01-01T10:00:00Z
      """
    Then the request succeeds
    And configmap "2024-01-01" exists

  Scenario: Secret data must be base64
    When I try to apply:
      """
      apiVersion: v1
      kind: Secret
      metadata:
        name: creds
      data:
        password: aGVsbG8
      """
    Then the request fails with "Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4"

  Scenario: A quantity that does not parse names its field
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.27
          resources:
            limits: {cpu: lots}
      """
    Then the request fails with "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (at spec.containers[0].resources.limits[cpu])"

  Scenario: A kind that is not a string
    When I try to apply:
      """
      apiVersion: v1
      kind: 5
      metadata:
        name: web
      """
    Then the request fails with "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string"

  Scenario: YAML tags other than the JSON types are refused with their line
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data: !!python/object:os.system {a: b}
      """
    Then the request fails with "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object:os.system'"

  Scenario: A binary scalar has no JSON form
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        blob: !!binary aGVsbG8=
      """
    Then the request fails with "the tag 'tag:yaml.org,2002:binary' is not allowed in a Kubernetes manifest"

  Scenario: An alias that contains itself is refused
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: &meta
        name: settings
        labels: *meta
      """
    Then the request fails with "an alias refers to a node that contains it"

  Scenario: A billion laughs is refused, not expanded
    When I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: lol
      a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
      b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
      c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
      d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
      e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
      f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
      g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
      h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
      i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
      """
    Then the request fails with "the document contains excessive aliasing"

  Scenario: NaN has no JSON form
    When I try to apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: .nan
      """
    Then the request fails with "json: unsupported value: NaN (at spec.replicas)"
