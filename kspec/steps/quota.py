"""Identity and access, the admission half: ResourceQuota usage and the warnings a request returns."""

from __future__ import annotations

from kspec.api.expect_admission import quota_used, warned
from kspec.harness import Harness
from kspec.steps.registry import then, when

D = "access"


@then('resourcequota "{name}" has used "{pair}"{in_ns}', domain=D)
def resourcequota_used(k: Harness, name: str, pair: str, ns: str | None) -> None:
    """The quota's status.used for one resource equals the quantity (`requests.cpu=500m`), as the quota
    controller and the admission plugin keep it."""
    quota_used(k.cluster.api, name, pair, ns or "default")


@then('the request succeeds with warning "{text:.*?}"', domain=D, assertion=False)
def request_succeeds_with_warning(k: Harness, text: str) -> None:
    """The last try was accepted and the API returned a warning containing this text (kubectl prints it after
    `Warning: `), such as PodSecurity's warn mode."""
    k.request_failed(None)
    warned(k.last_warnings, text)


@when('I try to delete {kind:[a-z.]+} "{name}"{in_ns}', domain="objects")
def try_delete(k: Harness, kind: str, name: str, ns: str | None) -> None:
    """Like I delete, but a refusal (an admission plugin's Forbidden, a NotFound) is kept for the next step."""
    k.attempt(lambda: k.cluster.delete(kind, name, ns or "default"))
