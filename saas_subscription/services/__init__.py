# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Domain services: what each canonical event does to Odoo records.

Each module registers its handlers with the engine of ``saas_sync``.
"""

from . import customers
from . import subscriptions
from . import billing
