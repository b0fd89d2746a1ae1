# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python money and recurring-revenue rules (no ORM)."""
