"""The built-in ``ingress`` implementation "nginx" (modelled on ingress-nginx)."""
