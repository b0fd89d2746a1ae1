# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Domain services: the Chargebee adapter of the engine (translation completed
with Chargebee's current state and resource versions) and the payments that
another system books (Chargebee collecting through Stripe)."""

from . import adapter
from . import gateway
from . import versions
