# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: schedule lines carry ``origin_date`` (the date their document
put them in the books). Lines from before get the date of their credit note
(reversals) or of their invoice; months reduced in place by a credit note
before this version keep their reduced amount (the history of those is not
recorded), later credit notes add dated adjustment lines."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE saas_revenue_schedule_line ADD COLUMN IF NOT EXISTS origin_date date")
    cr.execute(
        """UPDATE saas_revenue_schedule_line l
              SET origin_date = invoice.date
             FROM saas_revenue_schedule s
             JOIN account_move invoice ON invoice.id = s.move_id
            WHERE s.id = l.schedule_id AND l.origin_date IS NULL"""
    )
    cr.execute(
        """UPDATE saas_revenue_schedule_line l
              SET origin_date = credit.date
             FROM account_move credit
            WHERE credit.id = l.credit_move_id AND l.kind = 'reversal'"""
    )
