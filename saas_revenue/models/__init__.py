# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import res_company
from . import res_config_settings
from . import product
from . import saas_revenue_schedule
from . import saas_revenue_schedule_line
from . import saas_revenue_batch
from . import account_move
from . import saas_subscription
from . import saas_monitor
from . import saas_revenue_demo
from . import saas_revenue_waterfall
