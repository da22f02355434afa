"""Scheduler profiles: KubeSchedulerConfiguration parsing, defaults and plugin-set merging."""
