# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python Stripe helpers: amounts, translation to canonical events and
payout arithmetic."""
