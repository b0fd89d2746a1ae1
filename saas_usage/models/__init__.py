# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import saas_usage_meter
from . import saas_usage_record
from . import saas_usage_price_tier
