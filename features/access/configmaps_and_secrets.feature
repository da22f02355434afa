Feature: ConfigMaps and Secrets: immutability and typed Secrets

  Background:
    Given a cluster with 2 nodes

  Scenario: An immutable ConfigMap cannot change its data
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      immutable: true
      data:
        mode: fast
      """
    And I try to apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      immutable: true
      data:
        mode: slow
      """
    Then the request fails with "ConfigMap "settings" is invalid: data: Forbidden: field is immutable when `immutable` is set"

  Scenario: A TLS Secret needs both its keys
    When I try to apply:
      """
      apiVersion: v1
      kind: Secret
      metadata:
        name: tls
      type: kubernetes.io/tls
      data:
        tls.crt: YQ==
      """
    Then the request fails with "Secret "tls" is invalid: data[tls.key]: Required value"
