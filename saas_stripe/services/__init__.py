# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Domain services: the Stripe adapter of the engine and the handlers of the
Stripe-only messages (disputes), called from ``saas.system`` (the adapter)
and ``saas.handler.stripe.dispute`` (the handlers)."""

from . import adapter
from . import disputes
