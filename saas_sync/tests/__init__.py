# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_inbox
from . import test_engine
from . import test_handler_table
from . import test_mapping
from . import test_concurrency
from . import test_batch_ingest
from . import test_security
from . import test_controller
from . import test_monitor
from . import test_tour
from . import test_rpc_access
from . import test_drift_report
from . import test_audit_trail
