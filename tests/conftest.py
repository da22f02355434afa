"""Shared test set-up: pytester for running kspec's pytest plugin end to end."""

pytest_plugins = ["pytester"]

# Profiles for the manifest fuzzer (tests/fuzz): ``ci`` bounds it, ``fuzz`` runs it long:
#   pytest tests/fuzz --hypothesis-profile=fuzz
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=20_000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
