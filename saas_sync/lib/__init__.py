# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python helpers of the integration core.

Nothing in this package imports the ORM: schema validation, masking,
backoff, statistics and minor-unit amounts are unit-tested without a
database and called from thin model methods.
"""
