# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_outbound_message
from . import test_pull
from . import test_accounts
from . import test_deals
from . import test_deletions
from . import test_access
from . import test_demo_data
