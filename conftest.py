# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""pytest setup for the pure-Python tests (``tests/unit``).

They import the addons' pure modules as ``odoo.addons.<addon>.lib...``:
the repository root is added to the ``odoo.addons`` namespace so that no
Odoo registry or database is needed.
"""

import os

import odoo.addons

REPO_DIR = os.path.dirname(os.path.abspath(__file__))
# Odoo's own modules: in the source repository's layout they sit in addons/
# beside the odoo package, outside odoo.addons' own folder.
ODOO_SOURCE_ADDONS = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons")
for folder in (ODOO_SOURCE_ADDONS, REPO_DIR):
    if os.path.isdir(folder) and folder not in odoo.addons.__path__:
        odoo.addons.__path__.append(folder)
