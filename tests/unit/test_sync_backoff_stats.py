# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random

from odoo.addons.saas_sync.lib.backoff import BackoffPolicy
from odoo.addons.saas_sync.lib.stats import percentile, prometheus_text


def test_backoff_grows_then_caps():
    policy = BackoffPolicy(base=30, factor=2, cap=100, max_attempts=5, jitter=0)
    assert [policy.base_delay(n) for n in range(1, 6)] == [30, 60, 100, 100, 100]
    assert not policy.exhausted(4)
    assert policy.exhausted(5)


def test_jitter_stays_within_its_share():
    policy = BackoffPolicy(base=10, factor=3, cap=10_000, jitter=0.2)
    rng = random.Random(7)
    for attempts in range(1, 6):
        delay = policy.delay(attempts, rng)
        base = policy.base_delay(attempts)
        assert base <= delay <= base * 1.2


def test_nearest_rank_percentile():
    values = [15, 20, 35, 40, 50]  # Wikipedia's nearest-rank example
    assert percentile(values, 5) == 15
    assert percentile(values, 30) == 20
    assert percentile(values, 40) == 20
    assert percentile(values, 50) == 35
    assert percentile(values, 100) == 50
    assert percentile([], 50) is None


def test_prometheus_text_format():
    text = prometheus_text(
        [
            ("saas_events", "Events.", "gauge", [({"state": "dead", "lane": "operational"}, 2)]),
            ("saas_events_dead", "Dead.", "gauge", [({}, 2)]),
        ]
    )
    assert text.splitlines() == [
        "# HELP saas_events Events.",
        "# TYPE saas_events gauge",
        'saas_events{lane="operational",state="dead"} 2',
        "# HELP saas_events_dead Dead.",
        "# TYPE saas_events_dead gauge",
        "saas_events_dead 2",
    ]
