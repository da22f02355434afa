"""Cluster DNS: CoreDNS with the Corefile kubeadm installs, and the pods' stub resolver.

``CoreDNS`` (coredns.py) is the component; ``kubernetes.py`` is its kubernetes
plugin (the records of kubernetes/dns docs/specification.md), ``cache.py`` and
``loadbalance.py`` the plugins wrapped around it, ``resolvconf.py`` the
kubelet's rules for a pod's /etc/resolv.conf and ``resolver.py`` glibc's
search-list walk.
"""
