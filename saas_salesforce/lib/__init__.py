# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python Salesforce helpers: Outbound Message parsing (``soap``, with
lxml), record translation (``translate``) and bookings per contract year
(``bookings``). Imported by their users one by one, so that the modules
needing nothing beyond the standard library import without lxml."""
