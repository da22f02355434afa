"""Bad input never breaks kspec: every mutant of a valid manifest is accepted or refused cleanly.

Each example applies one mutant (see mutations.py) to a fresh cluster and runs three virtual
minutes. The outcome must be acceptance, or a KspecError whose message names the object (its kind
or the manifest) and, for an invalid object, the field; never another exception, never a hang;
and a mutant upstream must refuse is refused. Failures found here stay as explicit examples.
"""

from __future__ import annotations

import importlib.util

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.fuzz.corpus import CORPUS
from tests.fuzz.mutations import CLASSES, Mutation, mutate, run

NAMES = sorted(CORPUS)
KINDS = ("Pod", "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job",
         "CronJob", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "PodDisruptionBudget",
         "PriorityClass", "Namespace", "ServiceAccount")
#: Per-example wall-clock bound (generous: CI machines are shared); slower counts as a hang.
BUDGET_S = 30.0
#: The ``fuzz`` profile when asked for (--hypothesis-profile=fuzz), else the bounded ``ci`` one.
PROFILE = settings.get_profile("fuzz" if settings.get_current_profile_name() == "fuzz" else "ci")
# Affinity operators are checked by kspec/api/validation_scheduling.py (another branch); enforce once present.
_AFFINITY_RULES = importlib.util.find_spec("kspec.api.validation_scheduling") is not None


def _beyond_simulation(m: Mutation) -> bool:
    """Valid upstream but too big to simulate: a workload of ~2^31 replicas (reported by the table)."""
    return m.cls == "huge_number" and m.note.split(" = ")[-1] in ("2147483647", "2500000000.0") and any(
        f in m.note for f in ("replicas", "parallelism", "completions"))


def _names_object_and_field(message: str) -> bool:
    if "fuzz.yaml" in message or "no matches for kind" in message or 'namespaces "' in message:
        return True
    if not any(kind in message for kind in KINDS):
        return False
    if " is invalid" in message:
        return ": " in message.split(" is invalid", 1)[1]
    return "field" in message or "(at " in message or "illegal base64" in message or "couldn't get" in message


def check(corpus: str, cls: str, seed: int) -> None:
    m = mutate(corpus, cls, seed)
    if _beyond_simulation(m):
        return
    outcome = run(m.text, budget_s=BUDGET_S)
    where = f"mutate({corpus!r}, {cls!r}, {seed}): {m.note}"
    assert outcome.kind in ("accepted", "rejected"), f"{where}: {outcome.kind}: {outcome.message}"
    if outcome.kind == "rejected":
        assert _names_object_and_field(outcome.message), f"{where}: unclear message: {outcome.message}"
    elif m.expect_reject and (_AFFINITY_RULES or "affinity" not in m.note):
        raise AssertionError(f"{where}: upstream refuses this, kspec accepted it\n{m.text}")


@PROFILE
@given(corpus=st.sampled_from(NAMES), cls=st.sampled_from(CLASSES), seed=st.integers(0, 10**6))
# regressions the fuzzer found (each crashed or was accepted before decoding existed)
@example(corpus="deployment-recreate", cls="wrong_type", seed=4329)  # matchExpressions [{}]: KeyError
@example(corpus="cronjob", cls="yaml_alias", seed=412)  # 9^6 laughs: seconds of expansion
@example(corpus="hpa", cls="missing_field", seed=510510)  # oracle: a nested apiVersion may be left out
@example(corpus="job-indexed", cls="bad_name", seed=7)  # oracle: UPPER is a valid label key
@example(corpus="pdb", cls="wrong_type", seed=0)  # metadata.name a list: hashed by the apply look-up
def test_every_mutant_is_accepted_or_refused_cleanly(corpus: str, cls: str, seed: int) -> None:
    check(corpus, cls, seed)
