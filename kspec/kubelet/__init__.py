"""The node agent: one simulated kubelet per Node plus the container runtime under them."""
