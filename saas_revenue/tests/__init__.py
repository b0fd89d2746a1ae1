# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_schedules
from . import test_credits
from . import test_defer_past
from . import test_migration
from . import test_batches
from . import test_cron_chunks
from . import test_inbox
from . import test_property
from . import test_security
from . import test_reports
from . import test_demo_and_menus
from . import test_tour
from . import test_rpc_access
from . import test_audit_trail
