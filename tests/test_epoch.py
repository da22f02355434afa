"""The virtual clock's epoch is part of the contract: time zero is 2025-01-01T00:00:00Z (STEPS.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from kspec import Cluster
from kspec.controllers import cron
from kspec.controllers.cronjob import to_datetime, to_ms
from kspec.objects import EPOCH, micro_timestamp, parse_timestamp, timestamp


def test_time_zero_is_new_year_2025_utc() -> None:
    assert datetime(2025, 1, 1, tzinfo=UTC) == EPOCH
    assert timestamp(0) == "2025-01-01T00:00:00Z"
    assert timestamp(90_500) == "2025-01-01T00:01:30Z"
    assert micro_timestamp(1) == "2025-01-01T00:00:00.001000Z"
    assert parse_timestamp("2025-01-02T00:00:00Z") == 24 * 3600 * 1000


def test_objects_are_stamped_from_the_epoch() -> None:
    c = Cluster(nodes=1)
    c.run_for(61_000)
    c.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}})
    assert c.get("configmap", "x")["metadata"]["creationTimestamp"] == "2025-01-01T00:01:01Z"


def test_cron_schedules_fire_at_wall_times_derived_from_the_epoch() -> None:
    assert to_datetime(0) == EPOCH and to_ms(EPOCH) == 0
    # 2025-01-01 is a Wednesday: the first Thursday-midnight run is a day later
    assert to_ms(cron.parse("0 0 * * 4").next_after(to_datetime(0))) == 24 * 3600 * 1000
    assert to_ms(cron.parse("30 0 * * *").next_after(to_datetime(0))) == 30 * 60 * 1000
