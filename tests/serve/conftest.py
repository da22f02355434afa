"""A served simulated cluster on an ephemeral loopback port, always shut down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kspec.cluster import Cluster
from kspec.serve import Server


@pytest.fixture
def served() -> Iterator[Server]:
    server = Server(Cluster(nodes=2), speed=20.0).start()
    try:
        yield server
    finally:
        server.stop()
