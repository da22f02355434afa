"""Authentication identities and authorization (RBAC) for the simulated kube-apiserver."""
