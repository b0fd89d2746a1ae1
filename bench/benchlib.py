# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers the benchmark scripts share (imported from bench/, never by the addons)."""

import odoo
from odoo.modules.registry import Registry


def percentile(values, fraction):
    """Percentile with linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds):
    return seconds * 1000.0


def open_registry(args, *extra):
    """The registry of ``args.db`` with ``args.addons_path`` (Odoo's config set up)."""
    odoo.tools.config.parse_config(
        ["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn", *extra],
        setup_logging=True,
    )
    return Registry(args.db)
