# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python Stripe helpers: amounts and translation to canonical events."""
