# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Small statistics helpers for monitoring, and the Prometheus text format."""

import math


def percentile(values, pct):
    """Nearest-rank percentile of ``values`` (``pct`` in 0..100); None if empty."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _escape_label(value):
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def prometheus_text(metrics):
    """Render ``[(name, help, type, [(labels_dict, value), ...]), ...]``."""
    lines = []
    for name, help_text, metric_type, samples in metrics:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {metric_type}")
        for labels, value in samples:
            label_text = ""
            if labels:
                inner = ",".join(f'{k}="{_escape_label(v)}"' for k, v in sorted(labels.items()))
                label_text = "{" + inner + "}"
            lines.append(f"{name}{label_text} {float(value or 0):g}")
    return "\n".join(lines) + "\n"
