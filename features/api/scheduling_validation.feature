Feature: Affinity, DNS config and topology spread are validated as kube-apiserver does
  A pod, or the pod template of a workload, with an impossible affinity, spread
  constraint or DNS setting is refused with kube-apiserver's field errors.

  Scenario: dnsPolicy None needs a dnsConfig
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: resolver
      spec:
        dnsPolicy: None
        containers:
        - name: app
          image: nginx:1.27
      """
    Then the request fails with "Pod "resolver" is invalid: spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"
    And pod "resolver" does not exist

  Scenario: A node selector operator must be one the scheduler knows
    When I try to apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: picky
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
              - matchExpressions:
                - {key: topology.kubernetes.io/zone, operator: Bogus, values: [a]}
        containers:
        - name: app
          image: nginx:1.27
      """
    Then the request fails with "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Bogus": not a valid selector operator"

  Scenario: A Deployment's spread constraints are checked in its pod template
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
            topologySpreadConstraints:
            - {maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
            - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
            containers:
            - name: app
              image: nginx:1.27
      """
    Then the request fails with "Deployment.apps "web" is invalid: [spec.template.spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero, spec.template.spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, DoNotSchedule}"]"
    And deployment "web" does not exist
