# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import saas_mrr_snapshot
from . import saas_mrr_snapshot_stale
from . import saas_mrr_movement
from . import saas_mrr_point
from . import saas_subscription
from . import saas_metrics
from . import saas_receivable_aging
from . import saas_cash_forecast
from . import saas_metrics_demo
from . import saas_metrics_print
