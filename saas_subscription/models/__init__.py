# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import saas_system
from . import saas_mapping
from . import saas_subscription
from . import saas_subscription_line
from . import saas_mrr_movement
from . import saas_mrr_point
from . import saas_bundle
from . import res_company
from . import res_partner
from . import account_move
from . import saas_payment_failure
from . import res_config_settings
from . import saas_demo
from . import saas_handler_customer
from . import saas_handler_subscription
from . import saas_handler_billing
