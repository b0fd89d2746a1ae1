# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import saas_revenue_batch_build
from . import saas_revenue_report
from . import saas_revenue_defer_past
