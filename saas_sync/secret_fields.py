# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The two halves of a secret on ``saas.system``, for the core's webhook
secrets and the adapters' keys alike.

- ``write_only_field``: the input administrators type into. It reads empty,
  always and for everyone (``saas.system._compute_write_only_inputs``); its
  ``inverse`` copies what was entered into the stored column.
- ``secret_column``: that stored column. No user group reads it: only code
  running as superuser (the controllers, the engine, the API clients) does.
"""

from odoo import fields

from .const import ADMIN_GROUP, SECRET_STORE_GROUP


def write_only_field(inverse, help_text, string=None):
    attrs = {"string": string} if string else {}
    return fields.Char(
        compute="_compute_write_only_inputs",
        inverse=inverse,
        groups=ADMIN_GROUP,
        help=help_text,
        **attrs,
    )


def secret_column():
    return fields.Char(groups=SECRET_STORE_GROUP, copy=False, prefetch=False)
