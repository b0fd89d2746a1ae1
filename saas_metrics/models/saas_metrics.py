# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import calendar
from datetime import date
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date, format_datetime, formatLang

from odoo.addons.saas_subscription.lib.mrr import ZERO, month_end, quantize, to_decimal
from odoo.addons.saas_sync.const import REVIEWER_GROUP, SUPPORT_GROUP
from odoo.addons.saas_sync.tools import check_group

from ..lib import metrics as m

BRIDGE_KEYS = ("new", "expansion", "contraction", "churn", "reactivation", "fx")
AMOUNT_KEYS = ("opening", *BRIDGE_KEYS, "closing")
COUNT_KEYS = ("customers", "customers_start", "new_customers", "churned_customers")


class SaasMetrics(models.AbstractModel):
    """SaaS metrics of a month and a set of companies, read from the MRR
    snapshot and the movement ledger with SQL aggregates."""

    _name = "saas.metrics"
    _description = "SaaS metrics"

    # ------------------------------------------------------------- access
    @api.model
    def _check_reader(self):
        user = self.env.user
        if not (user.has_group(SUPPORT_GROUP) or user.has_group("account.group_account_invoice")):
            raise AccessError(self.env._("You are not allowed to read the SaaS metrics."))

    # ------------------------------------------------------------- figures
    @api.model
    def _raw_month_figures(self, first, last, companies):
        """``{(month, company_id): {amounts and counts}}`` in company currency."""
        self.env.flush_all()
        cr = self.env.cr
        ids = companies.ids
        figures = {}

        def row(month, company_id):
            return figures.setdefault(
                (month, company_id),
                dict.fromkeys(AMOUNT_KEYS, ZERO) | dict.fromkeys(COUNT_KEYS, 0),
            )

        cr.execute(
            """SELECT month, company_id, SUM(opening_company), SUM(new_company),
                      SUM(expansion_company), SUM(contraction_company), SUM(churn_company),
                      SUM(reactivation_company), SUM(fx_company), SUM(mrr_company),
                      COUNT(DISTINCT partner_id) FILTER (WHERE earning)
                 FROM saas_mrr_snapshot
                WHERE month BETWEEN %s AND %s AND company_id = ANY(%s)
             GROUP BY month, company_id""",
            [m.add_months(first, -1), last, ids],
        )
        for month, company_id, *amounts, customers in cr.fetchall():
            values = row(month, company_id)
            for key, amount in zip(AMOUNT_KEYS, amounts, strict=True):
                values[key] = to_decimal(amount or 0)
            values["customers"] = customers
        # customers at the start of a month: those earning at the previous month end
        for (month, company_id), values in list(figures.items()):
            following = m.add_months(month, 1)
            if following <= last:
                row(following, company_id)["customers_start"] = values["customers"]
        cr.execute(
            """SELECT date_trunc('month', date)::date, company_id,
                      COUNT(DISTINCT partner_id) FILTER (WHERE movement_type = 'new'),
                      COUNT(DISTINCT partner_id) FILTER (WHERE movement_type = 'churn')
                 FROM saas_mrr_movement
                WHERE date BETWEEN %s AND %s AND company_id = ANY(%s)
             GROUP BY 1, 2""",
            [first, month_end(last), ids],
        )
        for month, company_id, new, churned in cr.fetchall():
            values = row(month, company_id)
            values["new_customers"], values["churned_customers"] = new, churned
        return {key: value for key, value in figures.items() if key[0] >= first}

    @api.model
    def _convert(self, amount, company, currency, day):
        if company.currency_id == currency or not amount:
            return to_decimal(amount)
        converted = company.currency_id._convert(float(amount), currency, company, day, round=False)
        return quantize(converted, currency.decimal_places)

    @api.model
    def _month_figures(self, months, companies, currency=None):
        """KPIs per month (a list of first days), for ``companies`` together,
        in ``currency`` (default: the currency of the first company); each
        company's amounts are converted at the month-end rate."""
        currency = currency or companies[:1].currency_id
        raw = self._raw_month_figures(months[0], months[-1], companies)
        result = []
        for month in months:
            totals = dict.fromkeys(AMOUNT_KEYS, ZERO) | dict.fromkeys(COUNT_KEYS, 0)
            for company in companies:
                values = raw.get((month, company.id))
                if not values:
                    continue
                for key in AMOUNT_KEYS:
                    totals[key] += self._convert(values[key], company, currency, month_end(month))
                for key in COUNT_KEYS:
                    totals[key] += values[key]
            if len(companies) > 1:
                # conversion rounds each company apart: the fx line absorbs it
                totals["fx"] = totals["closing"] - m.bridge_closing(
                    totals["opening"], {k: totals[k] for k in BRIDGE_KEYS if k != "fx"}
                )
            result.append(self._kpis(month, totals, currency))
        return result

    @api.model
    def _kpis(self, month, totals, currency):
        kpis = dict(totals, month=month, currency=currency)
        kpis["arr"] = m.arr(totals["closing"], currency.decimal_places)
        kpis["arpa"] = m.arpa(totals["closing"], totals["customers"], currency.decimal_places)
        kpis["logo_churn"] = m.logo_churn_rate(
            totals["churned_customers"], totals["customers_start"]
        )
        kpis["revenue_churn"] = m.revenue_churn_rate(totals["churn"], totals["opening"])
        kpis["gross_mrr_churn"] = m.gross_mrr_churn_rate(
            totals["opening"], totals["churn"], totals["contraction"]
        )
        kpis["net_mrr_churn"] = m.net_mrr_churn_rate(
            totals["opening"], totals["churn"], totals["contraction"], totals["expansion"]
        )
        kpis["grr"] = m.gross_revenue_retention(
            totals["opening"], totals["churn"], totals["contraction"]
        )
        kpis["nrr"] = m.net_revenue_retention(
            totals["opening"], totals["churn"], totals["contraction"], totals["expansion"]
        )
        kpis["quick_ratio"] = m.quick_ratio(
            totals["new"], totals["expansion"], totals["contraction"], totals["churn"]
        )
        kpis["ltv"] = m.ltv(kpis["arpa"], kpis["logo_churn"], currency.decimal_places)
        return kpis

    @api.model
    def _top_movements(self, month, companies, movement_type, limit=5):
        """The largest movements of a type in the month (by company-currency size)."""
        order = (
            "delta_company asc"
            if movement_type in ("churn", "contraction")
            else ("delta_company desc")
        )
        return self.env["saas.mrr.movement"].search(
            [
                ("company_id", "in", companies.ids),
                ("movement_type", "=", movement_type),
                ("date", ">=", month),
                ("date", "<=", month_end(month)),
            ],
            order=order,
            limit=limit,
        )

    @api.model
    def _cohorts(self, month, companies, currency, months=12):
        """Cohort retention of the customers whose first MRR month falls in the
        ``months`` months ending with ``month`` (see :func:`lib.metrics.cohort_table`)."""
        window = [m.add_months(month, i - months + 1) for i in range(months)]
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT partner_id, company_id, month, SUM(mrr_company)
                 FROM saas_mrr_snapshot
                WHERE month <= %s AND company_id = ANY(%s)
             GROUP BY partner_id, company_id, month""",
            [month, companies.ids],
        )
        by_id = {company.id: company for company in companies}
        rows = [
            (
                (partner_id, company_id),
                day,
                self._convert(amount or 0, by_id[company_id], currency, month_end(day)),
            )
            for partner_id, company_id, day, amount in self.env.cr.fetchall()
        ]
        table = m.cohort_table(rows, max_age=months - 1)
        return {cohort: data for cohort, data in table.items() if cohort >= window[0]}

    @api.model
    def _aging_at(self, day, companies):
        """``{(company_id, bucket): amount due}`` of the receivables of posted
        customer documents and payments (a payment not applied is a customer
        credit) as they stood at the end of ``day``: each journal
        item's balance less what was reconciled with it by then (a partial
        reconciliation counts from its ``max_date``), aged against ``day``."""
        cr = self.env.cr
        cr.execute(
            """SELECT aml.company_id, COALESCE(aml.date_maturity, aml.date),
                      aml.balance
                      - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                   WHERE p.debit_move_id = aml.id AND p.max_date <= %(day)s), 0)
                      + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                   WHERE p.credit_move_id = aml.id AND p.max_date <= %(day)s), 0)
                 FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id
                 JOIN account_account aa ON aa.id = aml.account_id
                WHERE aa.account_type = 'asset_receivable' AND am.state = 'posted'
                  AND (am.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
                       OR am.origin_payment_id IS NOT NULL)
                  AND aml.date <= %(day)s AND aml.company_id = ANY(%(companies)s)""",
            {"day": day, "companies": companies.ids},
        )
        result = {}
        for company_id, due, residual in cr.fetchall():
            residual = to_decimal(residual or 0)
            if residual:
                key = (company_id, m.aging_bucket(due, day))
                result[key] = result.get(key, ZERO) + residual
        return result

    @api.model
    def _collections_summary(self, companies, currency, month=None):
        """Collections as they stood at the end of ``month`` (default: the
        current month; today for the current month): aging totals by bucket,
        DSO of the month, failed payments still open and collection to-dos."""
        today = fields.Date.context_today(self)
        month = month or m.month_start(today)
        end = month_end(month)
        as_of = min(end, today)
        self.env.flush_all()
        cr = self.env.cr
        by_id = {company.id: company for company in companies}
        buckets = dict.fromkeys((key for key, *_ in m.AGING_BUCKETS), ZERO)
        for (company_id, bucket), amount in self._aging_at(as_of, companies).items():
            buckets[bucket] += self._convert(amount, by_id[company_id], currency, as_of)
        receivables = sales = ZERO
        cr.execute(
            """SELECT aml.company_id, SUM(aml.balance) FROM account_move_line aml
                 JOIN account_account aa ON aa.id = aml.account_id
                WHERE aa.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
                  AND aml.date <= %s AND aml.company_id = ANY(%s)
             GROUP BY 1""",
            [end, companies.ids],
        )
        for company_id, amount in cr.fetchall():
            receivables += self._convert(amount or 0, by_id[company_id], currency, end)
        cr.execute(
            """SELECT company_id, SUM(amount_total_signed) FROM account_move
                WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted'
                  AND invoice_date BETWEEN %s AND %s AND company_id = ANY(%s)
             GROUP BY 1""",
            [month, end, companies.ids],
        )
        for company_id, amount in cr.fetchall():
            sales += self._convert(amount or 0, by_id[company_id], currency, end)
        # failed payments not yet settled at the day (the invoice paid, or the
        # payment itself succeeding later)
        failures = self.env["saas.payment.failure"]._open_at(as_of, companies)
        failed = failures.subscription_id
        if as_of < m.month_start(today):
            # a past month: the subscriptions' MRR at its end, from the snapshot
            snapshots = (
                self.env["saas.mrr.snapshot"]
                .sudo()
                .search([("subscription_id", "in", failed.ids), ("month", "=", month)])
            )
            failed_mrr = sum(
                (
                    self._convert(row.mrr_company, row.company_id, currency, end)
                    for row in snapshots
                ),
                ZERO,
            )
            # each failure open at the month end had its collection to-do open
            activities = len(failures)
        else:
            failed_mrr = sum(
                (self._convert(s.mrr_company, s.company_id, currency, today) for s in failed),
                ZERO,
            )
            # the open collection to-dos of these failures
            activities = len(failures.filtered("activity_id"))
        return {
            "as_of": as_of,
            "buckets": buckets,
            "total_due": sum(buckets.values(), ZERO),
            "overdue": sum((v for k, v in buckets.items() if k != "current"), ZERO),
            "receivables": receivables,
            "sales": sales,
            "dso": m.dso(receivables, sales, calendar.monthrange(month.year, month.month)[1]),
            "failed_subscriptions": len(failed),
            "failed_attempts": len(failures),
            "failed_mrr": failed_mrr,
            "activities": activities,
        }

    @api.model
    def _deferred_revenue_balance(self, day, companies, currency):
        """Deferred revenue balance at ``day`` in ``currency``, or None.

        The bridge to ``saas_revenue``: this addon does not depend on it, so
        the balance is None here; an addon that knows the deferred revenue
        (``saas_revenue``, or a small glue module depending on both) overrides
        this method and returns a Decimal. The executive report shows the
        line only when it is not None."""
        return None

    # ------------------------------------------------------------- display
    @api.model
    def _format(self, value, currency=None, kind="amount"):
        if value is None:
            return self.env._("n/a")
        if kind == "percent":
            return f"{value:.2f} %"
        if kind == "ratio":
            return f"{value:.2f}"
        if kind == "count":
            return str(value)
        return formatLang(self.env, float(value), currency_obj=currency)

    @api.model
    def _report_companies(self, company=None):
        """The companies to aggregate: ``company``, else the user's allowed ones."""
        if company:
            if company not in self.env.companies and not self.env.su:
                raise AccessError(self.env._("You are not allowed to read %s.", company.name))
            return company
        return self.env.companies

    @api.model
    def get_dashboard_data(self, month=None):
        """Headline KPIs of ``month`` (default: the current month) for the
        user's companies, their change against the previous month and the
        12-month trend. Called by the dashboard (support or invoicing users)."""
        self._check_reader()
        month = m.month_start(
            fields.Date.to_date(month) if month else fields.Date.context_today(self)
        )
        current_month = m.month_start(fields.Date.context_today(self))
        if month > current_month:
            return self._dashboard_not_yet(month, current_month)
        companies = self.env.companies
        currency = self.env.company.currency_id
        months = [m.add_months(month, i - 12) for i in range(13)]
        figures = self._month_figures(months, companies, currency)
        current, previous = figures[-1], figures[-2]
        headline = [
            row
            for row in self._kpi_definitions()
            if row[0]
            in (
                "closing",
                "arr",
                "customers",
                "arpa",
                "logo_churn",
                "gross_mrr_churn",
                "net_mrr_churn",
                "grr",
                "nrr",
                "quick_ratio",
                "ltv",
            )
        ]
        cards = []
        for key, label, kind in headline:
            value, before = current[key], previous[key]
            change = m.change_percent(value, before) if kind in ("amount", "count") else None
            cards.append(
                {
                    "key": key,
                    "label": label,
                    "value": None if value is None else float(value),
                    "display": self._format(value, currency, kind),
                    "previous": self._format(before, currency, kind),
                    "change": None if change is None else float(change),
                    "change_display": "" if change is None else f"{change:+.2f} %",
                }
            )
        refreshed_at = self.env["saas.mrr.snapshot"]._refreshed_at()
        return {
            "month": fields.Date.to_string(month),
            "month_label": month.strftime("%B %Y"),
            "refreshed_at": refreshed_at and fields.Datetime.to_string(refreshed_at),
            "refreshed_display": format_datetime(self.env, refreshed_at)
            if refreshed_at
            else self.env._("never"),
            "can_refresh": self.env.user.has_group(REVIEWER_GROUP),
            "current_month": fields.Date.to_string(current_month),
            "not_yet": False,
            "currency": currency.name,
            "cards": cards,
            "collections": self._collections_display(companies, currency, month),
            "restatements": self._restatements(months[1:], companies),
            "bridge": [
                {
                    "key": key,
                    "label": label,
                    "value": float(current[key]),
                    "display": self._format(current[key], currency),
                }
                for key, label in self._bridge_labels()
            ],
            "trend": [
                {
                    "month": fields.Date.to_string(row["month"]),
                    "label": row["month"].strftime("%b %Y"),
                    "mrr": float(row["closing"]),
                    "arr": float(row["arr"]),
                    "display": self._format(row["closing"], currency),
                }
                for row in figures[1:]
            ],
        }

    @api.model
    def action_refresh_snapshot(self):
        """The dashboard's "Refresh now" (Finance Reviewers): bring the
        snapshot up to date at once instead of at the financial lane's next
        run. Reading the figures never refreshes them: what a screen shows
        changes only through the lane or this action."""
        check_group(
            self.env,
            REVIEWER_GROUP,
            self.env._("Only a Finance Reviewer refreshes the MRR snapshot."),
        )
        self.env["saas.mrr.snapshot"].sudo()._refresh_stale()
        return True

    @api.model
    def get_dashboard_cohorts(self, month=None):
        """The cohort revenue retention table of ``month`` (default: the current
        month) for the dashboard, asked apart from its KPIs: it reads every
        customer-month, so the KPIs show first. Nothing for a month not started."""
        self._check_reader()
        month = m.month_start(
            fields.Date.to_date(month) if month else fields.Date.context_today(self)
        )
        if month > m.month_start(fields.Date.context_today(self)):
            return {"month": fields.Date.to_string(month), "cohort_ages": [], "cohorts": []}
        ages, rows = self._cohort_display(month, self.env.companies, self.env.company.currency_id)
        return {"month": fields.Date.to_string(month), "cohort_ages": ages, "cohorts": rows}

    @api.model
    def _dashboard_not_yet(self, month, current_month):
        """The dashboard of a month that has not started: a message, no figures
        (zero MRR would read as if every customer had left)."""
        return {
            "month": fields.Date.to_string(month),
            "month_label": month.strftime("%B %Y"),
            "current_month": fields.Date.to_string(current_month),
            "not_yet": True,
            "message": self.env._(
                "%(month)s has not started yet: no figures before it does. The latest "
                "month with figures is %(current)s.",
                month=month.strftime("%B %Y"),
                current=current_month.strftime("%B %Y"),
            ),
            "currency": self.env.company.currency_id.name,
            "cards": [],
            "bridge": [],
            "trend": [],
            "collections": None,
            "restatements": [],
        }

    @api.model
    def _cohort_display(self, month, companies, currency, months=12):
        """The cohort retention table as printed: the ages (months since the
        start) and a row per cohort with its retention per age."""
        cohorts = self._cohorts(month, companies, currency, months=months)
        ages = list(range(months))
        fmt = self._format
        rows = [
            {
                "key": fields.Date.to_string(cohort),
                "label": cohort.strftime("%b %Y"),
                "customers": data["customers"],
                "mrr": fmt(data["mrr"], currency),
                "cells": [
                    fmt(data["ages"][age][3], kind="percent") if age in data["ages"] else ""
                    for age in ages
                ],
            }
            for cohort, data in cohorts.items()
        ]
        return ages, rows

    @api.model
    def _collections_display(self, companies, currency, month):
        """Collections at the end of ``month`` (aging, DSO, failed payments) as
        display strings."""
        collections = self._collections_summary(companies, currency, month)
        fmt = self._format
        return {
            "as_of": format_date(self.env, collections["as_of"]),
            "buckets": [
                (label, fmt(collections["buckets"][key], currency))
                for key, label, _first, _last in m.AGING_BUCKETS
            ],
            "total_due": fmt(collections["total_due"], currency),
            "overdue": fmt(collections["overdue"], currency),
            "dso": fmt(collections["dso"], kind="ratio"),
            "failed_subscriptions": collections["failed_subscriptions"],
            "failed_attempts": collections["failed_attempts"],
            "failed_mrr": fmt(collections["failed_mrr"], currency),
            "activities": collections["activities"],
        }

    @api.model
    def _bridge_labels(self):
        return [
            ("opening", self.env._("Opening MRR")),
            ("new", self.env._("New")),
            ("expansion", self.env._("Expansion")),
            ("contraction", self.env._("Contraction")),
            ("churn", self.env._("Churn")),
            ("reactivation", self.env._("Reactivation")),
            ("fx", self.env._("FX")),
            ("closing", self.env._("Closing MRR")),
        ]

    @api.model
    def _check_month_reportable(self, month):
        """A month after the current one has no figures yet: refused, rather
        than printed as zero MRR, zero customers and a trend falling to zero."""
        month = self._first_day(month)
        current = m.month_start(fields.Date.context_today(self))
        if month > current:
            raise UserError(
                self.env._(
                    "%(month)s has not started yet: the executive report covers months up to "
                    "the current one (%(current)s).",
                    month=month.strftime("%B %Y"),
                    current=current.strftime("%B %Y"),
                )
            )
        return month

    @api.model
    def _first_day(self, value):
        value = fields.Date.to_date(value) if not isinstance(value, date) else value
        return m.month_start(value)

    # ------------------------------------------------------------- restatements
    @api.model
    def _stamped_keys(self):
        """The figures a print stamp keeps and compares: (key, label, kind)."""
        labels = dict(self._bridge_labels())
        return [
            *((key, labels[key], "amount") for key in AMOUNT_KEYS),
            ("customers", self.env._("Customers"), "count"),
            ("new_customers", self.env._("New customers"), "count"),
            ("churned_customers", self.env._("Churned customers"), "count"),
        ]

    @api.model
    def _stamp_printed(self, month, companies):
        """Keep the figures of a closed ``month`` as printed now, per company in
        its own currency; an open month (the current one) is not stamped: its
        figures are still moving."""
        month = self._first_day(month)
        if month >= m.month_start(fields.Date.context_today(self)):
            return self.env["saas.metrics.print"]
        values = []
        for company in companies:
            (row,) = self._month_figures([month], company, company.currency_id)
            values.append(
                {
                    "company_id": company.id,
                    "month": month,
                    "currency_id": company.currency_id.id,
                    "user_id": self.env.uid,
                    "figures": {
                        key: row[key]
                        if kind == "count"
                        else str(quantize(row[key], company.currency_id.decimal_places))
                        for key, _label, kind in self._stamped_keys()
                    },
                }
            )
        return self.env["saas.metrics.print"].sudo().create(values)

    @api.model
    def _restatements(self, months, companies):
        """The closed months among ``months`` whose figures differ, for a
        company, from those its executive report last printed, with what
        changed and the MRR movements of the month created or changed since
        that print (and the events behind them)."""
        closed = [
            month for month in months if month < m.month_start(fields.Date.context_today(self))
        ]
        if not closed:
            return []
        stamps = (
            self.env["saas.metrics.print"]
            .sudo()
            .search([("company_id", "in", companies.ids), ("month", "in", closed)])
        )
        latest = {}
        for stamp in stamps:  # newest first
            latest.setdefault((stamp.company_id, stamp.month), stamp)
        result = []
        for company in companies:
            printed = sorted(month for owner, month in latest if owner == company)
            if not printed:
                continue
            currency = company.currency_id
            rows = self._month_figures(printed, company, currency)
            for month, row in zip(printed, rows, strict=True):
                stamp = latest[company, month]
                changes = [
                    {
                        "label": label,
                        "printed": self._format(
                            to_decimal(stamp.figures.get(key, 0)), currency, kind
                        ),
                        "now": self._format(row[key], currency, kind),
                    }
                    for key, label, kind in self._stamped_keys()
                    if to_decimal(stamp.figures.get(key, 0)) != to_decimal(row[key])
                ]
                if changes:
                    result.append(self._restatement(company, month, stamp, changes))
        return result

    @api.model
    def _restatement(self, company, month, stamp, changes):
        """One restated month of ``company`` for display."""
        movements = (
            self.env["saas.mrr.movement"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("date", ">=", month),
                    ("date", "<=", month_end(month)),
                    "|",
                    ("create_date", ">", stamp.printed_at),
                    ("write_date", ">", stamp.printed_at),
                ],
                order="date, id",
            )
        )
        types = dict(movements._fields["movement_type"]._description_selection(self.env))
        return {
            "key": f"{company.id}-{fields.Date.to_string(month)}",
            "company": company.name,
            "month_label": month.strftime("%B %Y"),
            "printed_at": format_datetime(self.env, stamp.printed_at),
            "printed_by": stamp.user_id.name or "",
            "changes": changes,
            "movements": [
                {
                    "id": movement.id,
                    "date": format_date(self.env, movement.date),
                    "customer": movement.partner_id.display_name,
                    "subscription": movement.subscription_id.display_name,
                    "type": types.get(movement.movement_type, movement.movement_type),
                    "amount": self._format(movement.delta_company, company.currency_id),
                    "event": movement.event_id.display_name or "",
                    "how": self.env._("new")
                    if movement.create_date > stamp.printed_at
                    else self.env._("changed"),
                }
                for movement in movements
            ],
        }

    # ------------------------------------------------------------- executive report
    @api.model
    def _executive_values(self, month, company=None):
        """What the executive report prints for ``month`` and ``company``
        (None: all the user's companies, converted to the current company's
        currency), as display strings."""
        self._check_reader()
        month = self._check_month_reportable(month)
        companies = self._report_companies(company)
        currency = company.currency_id if company else self.env.company.currency_id
        months = [m.add_months(month, i - 12) for i in range(13)]
        figures = self._month_figures(months, companies, currency)
        current, previous = figures[-1], figures[-2]
        fmt = self._format
        kpis = []
        for key, label, kind in self._kpi_definitions():
            change = (
                m.change_percent(current[key], previous[key])
                if kind in ("amount", "count")
                else (
                    None
                    if current[key] is None or previous[key] is None
                    else current[key] - previous[key]
                )
            )
            kpis.append(
                {
                    "key": key,
                    "label": label,
                    "value": fmt(current[key], currency, kind),
                    "previous": fmt(previous[key], currency, kind),
                    "change": ""
                    if change is None
                    else (f"{change:+.2f} %" if kind in ("amount", "count") else f"{change:+.2f}"),
                }
            )
        trend = figures[1:]
        top = max([row["closing"] for row in trend] + [ZERO]) or Decimal(1)
        chart = []
        for index, row in enumerate(trend):
            height = float(row["closing"] / top * 120)
            chart.append(
                {
                    "x": 35 + index * 39,
                    "y": 140 - height,
                    "height": height,
                    "label": row["month"].strftime("%b %y"),
                    "value": fmt(row["closing"], currency),
                }
            )
        end = month_end(month)

        def movement_rows(kind):
            return [
                {
                    "customer": mv.partner_id.display_name,
                    "subscription": mv.subscription_id.name,
                    "date": format_date(self.env, mv.date),
                    "amount": fmt(
                        self._convert(mv.delta_company, mv.company_id, currency, end), currency
                    ),
                }
                for mv in self._top_movements(month, companies, kind)
            ]

        ages, cohorts = self._cohort_display(month, companies, currency)
        deferred = self._deferred_revenue_balance(end, companies, currency)
        return {
            "title": self.env._("SaaS executive report"),
            "month_label": month.strftime("%B %Y"),
            "scope": company.name if company else ", ".join(companies.mapped("name")),
            "currency": currency,
            "kpis": kpis,
            "bridge": [
                {"key": key, "label": label, "value": fmt(current[key], currency)}
                for key, label in self._bridge_labels()
            ],
            "trend": [
                {
                    "label": row["month"].strftime("%b %Y"),
                    "mrr": fmt(row["closing"], currency),
                    "arr": fmt(row["arr"], currency),
                    "customers": row["customers"],
                }
                for row in trend
            ],
            "chart": chart,
            "top_expansions": movement_rows("expansion"),
            "top_churns": movement_rows("churn"),
            "cohort_ages": ages,
            "cohorts": cohorts,
            "collections": self._collections_display(companies, currency, month),
            "restatements": self._restatements([month], companies),
            "deferred_revenue": None if deferred is None else fmt(deferred, currency),
            "figures": current,
        }

    @api.model
    def _kpi_definitions(self):
        return [
            ("closing", self.env._("MRR"), "amount"),
            ("arr", self.env._("ARR"), "amount"),
            ("customers", self.env._("Customers"), "count"),
            ("new_customers", self.env._("New customers"), "count"),
            ("churned_customers", self.env._("Churned customers"), "count"),
            ("arpa", self.env._("ARPA"), "amount"),
            ("logo_churn", self.env._("Logo churn"), "percent"),
            ("gross_mrr_churn", self.env._("Gross MRR churn"), "percent"),
            ("net_mrr_churn", self.env._("Net MRR churn"), "percent"),
            ("grr", self.env._("Gross revenue retention"), "percent"),
            ("nrr", self.env._("Net revenue retention"), "percent"),
            ("quick_ratio", self.env._("Quick ratio"), "ratio"),
            ("ltv", self.env._("LTV"), "amount"),
        ]
