"""Controllers of kube-controller-manager, in client-go shape."""
