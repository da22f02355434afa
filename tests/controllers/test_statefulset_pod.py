"""A StatefulSet pod's volumes: the claim volumes first, then the template's own (updateStorage)."""

from __future__ import annotations

from tests.upstream.controllers.test_stateful_set_utils import new_pod, new_stateful_set


def test_claim_volumes_come_before_the_templates_own() -> None:
    pod = new_pod(new_stateful_set(1), 0)
    assert [v["name"] for v in pod["spec"]["volumes"]] == ["datadir", "home"]
    assert pod["spec"]["volumes"][0]["persistentVolumeClaim"] == {"claimName": "datadir-foo-0"}
