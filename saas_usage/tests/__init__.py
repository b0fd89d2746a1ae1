# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_records
from . import test_api
from . import test_month
