# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_doors
from . import test_names
