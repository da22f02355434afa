"""Hypothesis profiles for the manifest fuzzer: ``ci`` (the default, bounded) and ``fuzz`` (long runs).

Run many more examples with ``pytest tests/fuzz --hypothesis-profile=fuzz``.
"""

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=20_000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")
