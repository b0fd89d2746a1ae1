# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import saas_system
from . import stripe_sync
from . import stripe_payout
from . import stripe_payout_line
from . import saas_handler_stripe_dispute
from . import saas_stripe_demo
