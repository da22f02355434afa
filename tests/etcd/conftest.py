"""The ``real_etcd`` marker: tests that start real etcd processes (deselect with ``-m "not real_etcd"``)."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_etcd: starts a real etcd cluster on loopback ports (about a minute)")
