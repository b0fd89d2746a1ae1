# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_snapshot
from . import test_collections
from . import test_report
from . import test_tour
from . import test_views
from . import test_rpc_access
from . import test_read_only_screens
from . import test_demo_data
