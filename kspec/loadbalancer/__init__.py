"""LoadBalancer Services: the ``loadbalancer`` component and its built-in address-pool implementation."""
