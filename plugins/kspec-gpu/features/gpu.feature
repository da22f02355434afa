Feature: The GPUAware plugin keeps GPU nodes for GPU pods and packs GPUs

  Background:
    Given a cluster with nodes:
      | name  | cpu |
      | cpu-1 | 4   |
      | gpu-1 | 16  |
      | gpu-2 | 16  |
    And the scheduler is configured with:
      """
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: KubeSchedulerConfiguration
      profiles:
      - plugins:
          multiPoint:
            enabled:
            - name: GPUAware
              weight: 5
      """
    And node "gpu-1" has capacity "nvidia.com/gpu=4"
    And node "gpu-2" has capacity "nvidia.com/gpu=4"

  Scenario: A pod without GPUs stays off the GPU nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1"}}}]
      """
    Then pod "web" is scheduled to node "cpu-1"
    And pod "web" was filtered out of node "gpu-1" by "GPUAware"

  Scenario: Without room elsewhere the pod waits rather than take a GPU node
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "8"}}}]
      """
    And the cluster settles
    Then pod "web" has event "FailedScheduling" with message "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) are reserved for GPU workloads. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."

  Scenario: GPU pods fill one GPU node before starting on the next
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: train-1}
      spec:
        nodeName: gpu-2
        containers:
        - name: app
          image: pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime
          resources: {limits: {nvidia.com/gpu: "1"}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: train-2}
      spec:
        containers:
        - name: app
          image: pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime
          resources: {limits: {nvidia.com/gpu: "2"}}
      """
    Then pod "train-2" is scheduled to node "gpu-2"
