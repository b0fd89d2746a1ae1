# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_mrr_examples
from . import test_lifecycle
from . import test_ledger_property
from . import test_ledger_order
from . import test_customers
from . import test_billing
from . import test_batch
from . import test_replay
from . import test_concurrency
from . import test_company_routing
from . import test_tour
from . import test_documented_api
from . import test_demo_data
from . import test_rpc_access
from . import test_dependency_wake
from . import test_audit_trail
