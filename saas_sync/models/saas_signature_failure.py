# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

KEEP_DAYS = 90


class SaasSignatureFailure(models.Model):
    """One row per request refused for a bad signature or credential.

    An insert-only log kept apart from ``saas_system``: counting a refusal
    never writes (nor locks for update) the system's row, so a flood of
    forged requests serializes on nothing and cannot slow legitimate
    deliveries or an administrator editing the system.
    """

    _name = "saas.signature.failure"
    _rec_name = "system_id"
    _description = "Request refused for a bad signature or credential"
    _order = "failed_at desc, id desc"
    _log_access = False

    system_id = fields.Many2one("saas.system", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    failed_at = fields.Datetime(required=True, index=True)
    reason = fields.Selection(
        [("bad_signature", "Bad or missing signature"), ("bad_api_key", "Invalid API key")],
        required=True,
    )

    @api.model
    def _log(self, system, reason):
        """Append one refusal (one INSERT; nothing the request sent is kept)."""
        self.env.cr.execute(
            """INSERT INTO saas_signature_failure (system_id, company_id, failed_at, reason)
               VALUES (%s, %s, now() AT TIME ZONE 'UTC', %s)""",
            (system.id, system.company_id.id, reason),
        )

    @api.autovacuum
    def _gc_old_failures(self):
        self.env.cr.execute(
            "DELETE FROM saas_signature_failure WHERE failed_at < %s",
            (fields.Datetime.now() - timedelta(days=KEEP_DAYS),),
        )
