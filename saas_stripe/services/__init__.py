# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Domain services: the Stripe adapter of the engine and the handlers of the
Stripe-only messages (disputes). Each module registers with ``saas_sync``."""

from . import adapter
from . import disputes
