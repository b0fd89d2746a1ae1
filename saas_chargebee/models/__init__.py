# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import saas_system
from . import chargebee_sync
from . import saas_handler
from . import saas_signature_failure
from . import saas_chargebee_demo
from . import saas_handler_chargebee_billing
