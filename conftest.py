# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""pytest setup for the pure-Python tests (``tests/unit``).

They import the addons' pure modules as ``odoo.addons.<addon>.lib...``:
the repository root is added to the ``odoo.addons`` namespace so that no
Odoo registry or database is needed.
"""

import os

import odoo.addons

REPO_DIR = os.path.dirname(os.path.abspath(__file__))
if REPO_DIR not in odoo.addons.__path__:
    odoo.addons.__path__.append(REPO_DIR)
