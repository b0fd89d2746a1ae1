# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import saas_system
from . import saas_mapping
from . import saas_booked_deal
from . import saas_booked_deal_year
from . import saas_subscription
from . import saas_handler_salesforce
from . import saas_booking_mrr_report
from . import res_config_settings
from . import saas_signature_failure
from . import saas_salesforce_demo
