# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python Chargebee helpers: amounts, the inbox header and the
translation of events into canonical events."""
