"""kube-proxy: Services turned into packet rules on every node (iptables, IPVS and nftables modes).

``KubeProxy`` (kubeproxy.py) is the component: one proxier per node, fed by
informers through change trackers, syncing its rules on the virtual clock;
``connect`` walks a TCP SYN from a pod through those rules to the pod that
accepts it.
"""
