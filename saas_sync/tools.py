# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading the suite's settings (``ir.config_parameter``) with their defaults."""

from .const import DEFAULTS, PARAM_PREFIX
from .lib.backoff import BackoffPolicy


def get_setting(env, key):
    """Return the setting ``saas_sync.<key>`` cast to the type of its default."""
    default = DEFAULTS[key]
    raw = env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + key)
    if raw in (None, False, ""):
        return default
    try:
        return type(default)(raw)
    except (TypeError, ValueError):
        return default


def database_environment(env):
    return get_setting(env, "environment")


def backoff_policy(env):
    return BackoffPolicy(
        base=float(get_setting(env, "backoff_base")),
        factor=float(get_setting(env, "backoff_factor")),
        cap=float(get_setting(env, "backoff_cap")),
        max_attempts=int(get_setting(env, "max_attempts")),
    )
