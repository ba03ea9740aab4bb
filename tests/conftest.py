"""Shared test configuration: hypothesis profiles.

``ci`` (the default) keeps property tests fast and reproducible: few examples, no deadline
(the machine is shared and timing is noisy), derandomized so a CI failure can be rerun.
``dev`` explores more: ``HYPOTHESIS_PROFILE=dev python -m pytest tests/autograd``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=600)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
