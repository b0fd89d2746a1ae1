# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_lifecycle
from . import test_webhook
from . import test_versions
from . import test_concurrency
from . import test_gateway
from . import test_sdk
from . import test_adjustments
from . import test_rpc_access
from . import test_demo_data
from . import test_business_entities
