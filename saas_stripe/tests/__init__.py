# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_webhook
from . import test_translation
from . import test_localstripe
from . import test_payout
from . import test_payout_access
from . import test_connection_errors
from . import test_rpc_access
from . import test_system_form
from . import test_demo_data
