# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Exponential backoff with jitter for retried events."""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class BackoffPolicy:
    """Delay before attempt ``n + 1`` after ``n`` failed attempts.

    The deterministic part grows as ``base * factor ** (attempts - 1)`` up to
    ``cap`` seconds; jitter adds up to ``jitter`` of it at random so that many
    events failing together do not retry in lockstep.
    """

    base: float = 30.0
    factor: float = 2.0
    cap: float = 3600.0
    max_attempts: int = 8
    jitter: float = 0.2

    def base_delay(self, attempts):
        attempts = max(1, int(attempts))
        return min(self.cap, self.base * self.factor ** (attempts - 1))

    def delay(self, attempts, rng=random):
        delay = self.base_delay(attempts)
        return delay + delay * self.jitter * rng.random()

    def exhausted(self, attempts):
        return attempts >= self.max_attempts
