# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..lib.metrics import month_start


class SaasMrrSnapshotStale(models.Model):
    """A month of a subscription whose snapshot rows must be rewritten because
    a movement or fact left it (deleted, or moved to another date or
    subscription): the write dates that :meth:`saas.mrr.snapshot._refresh_stale`
    reads cannot tell where a record was. The next refresh reads and deletes
    these rows."""

    _name = "saas.mrr.snapshot.stale"
    _rec_name = "subscription_id"
    _description = "MRR Snapshot Month to Rewrite"
    _log_access = False

    subscription_id = fields.Many2one(
        "saas.subscription", required=True, index=True, ondelete="cascade"
    )
    month = fields.Date(required=True, help="First day of the month.")

    @api.model
    def _remember(self, records, vals=None):
        """Remember the months that ``records`` (movements or facts) leave:
        all of them when they are deleted (``vals`` None), else those that a
        write of ``vals`` moves to another month or subscription."""
        if vals is not None and not {"date", "subscription_id"} & vals.keys():
            return
        new_month = vals and vals.get("date") and month_start(fields.Date.to_date(vals["date"]))
        new_subscription = vals and vals.get("subscription_id")
        left = set()
        for record in records:
            if not record.date or not record.subscription_id:
                continue
            month = month_start(record.date)
            if (
                vals is not None
                and ("date" not in vals or new_month == month)
                and ("subscription_id" not in vals or new_subscription == record.subscription_id.id)
            ):
                continue
            left.add((record.subscription_id.id, month))
        if left:
            subscriptions, months = zip(*sorted(left), strict=True)
            self.env.cr.execute(
                """INSERT INTO saas_mrr_snapshot_stale (subscription_id, month)
                   SELECT * FROM unnest(%s::int[], %s::date[])""",
                [list(subscriptions), list(months)],
            )


class SaasMrrSnapshotSource(models.AbstractModel):
    """What the snapshot is computed from (movements, facts): a record that
    is deleted, or moved to another date or subscription, leaves its month
    to rewrite."""

    _name = "saas.mrr.snapshot.source"
    _description = "MRR Snapshot Source"

    def write(self, vals):
        self.env["saas.mrr.snapshot.stale"]._remember(self, vals)
        return super().write(vals)

    def unlink(self):
        self.env["saas.mrr.snapshot.stale"]._remember(self)
        return super().unlink()
