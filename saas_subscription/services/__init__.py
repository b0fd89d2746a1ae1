# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Domain services: what each canonical event does to Odoo records.

The handler models (``models/saas_handler_*.py``) call them; another addon
adjusts a handler with ``_inherit`` and ``super()`` on those models.
"""

from . import customers
from . import subscriptions
from . import documents
from . import invoices
from . import payments
