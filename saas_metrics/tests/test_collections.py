# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta
from decimal import Decimal

from lxml import etree

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.saas_subscription.lib.mrr import to_decimal

from .common import MetricsCommon

D = Decimal


@tagged("post_install", "-at_install")
class TestCollections(MetricsCommon):
    def setUp(self):
        super().setUp()
        self.today = fields.Date.context_today(self.env["saas.metrics"])
        self.partner = self.customer("cus_c")

    def reader(self, login, groups):
        return new_test_user(
            self.env,
            login=login,
            groups=groups,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )

    def readers(self):
        """Who reads the collections: support, finance reviewers, Accounting
        "Billing" users, and integration administrators."""
        return [
            self.reader("coll_support", "base.group_user,saas_sync.group_saas_support"),
            self.reader("coll_reviewer", "base.group_user,saas_sync.group_saas_reviewer"),
            self.reader("coll_billing", "base.group_user,account.group_account_invoice"),
            self.reader("coll_admin", "base.group_user,saas_sync.group_saas_admin"),
        ]

    def invoice(self, inv_id, amount, due, day=None, customer="cus_c", sub_id=None):
        day = day or min(due, self.today) - timedelta(days=30)
        data = {
            "invoice_id": inv_id,
            "customer_id": customer,
            "currency": self.currency.name,
            "total": amount,
            "date": str(day),
            "due_date": str(due),
            "lines": [{"plan": "starter", "quantity": "1", "unit_amount": amount}],
        }
        if sub_id:
            data["subscription_id"] = sub_id
        self.assertDone(self.emit("invoice.issued", data, occurred_at=f"{day}T08:00:00Z"))
        return self.env["saas.binding"].find_record(self.system, "account.move", inv_id)

    def pay(self, pay_id, inv_id, amount, day, customer="cus_c"):
        data = {
            "payment_id": pay_id,
            "customer_id": customer,
            "currency": self.currency.name,
            "amount": amount,
            "invoice_ids": [inv_id] if inv_id else [],
            "date": str(day),
        }
        self.assertDone(self.emit("payment.succeeded", data, occurred_at=f"{day}T09:00:00Z"))

    def test_aging_buckets(self):
        today = self.today
        moves = {
            "current": self.invoice("in_a", "100.00", today + timedelta(days=10)),
            "1_30": self.invoice("in_b", "200.00", today - timedelta(days=10)),
            "31_60": self.invoice("in_c", "300.00", today - timedelta(days=45)),
            "61_90": self.invoice("in_d", "400.00", today - timedelta(days=90)),
            "over_90": self.invoice("in_e", "500.00", today - timedelta(days=91)),
        }
        self.pay("pay_e", "in_e", "100.00", today - timedelta(days=5))
        Aging = self.env["saas.receivable.aging"]
        rows = Aging.search([("company_id", "=", self.company.id)])
        self.assertEqual({r.move_id: r.bucket for r in rows}, {m: b for b, m in moves.items()})
        over = rows.filtered(lambda r: r.bucket == "over_90")
        self.assertEqual((to_decimal(over.amount_residual), over.days_overdue), (D(400), 91))
        self.assertEqual(to_decimal(over.amount_over_90), D(400))
        self.assertEqual(to_decimal(over.amount_current), D(0))
        # per customer, in the pivot's read_group
        (group,) = Aging.read_group(
            [("company_id", "=", self.company.id)],
            [
                "amount_current:sum",
                "amount_1_30:sum",
                "amount_31_60:sum",
                "amount_61_90:sum",
                "amount_over_90:sum",
                "amount_residual:sum",
            ],
            ["partner_id"],
        )
        self.assertEqual(group["partner_id"][0], self.partner.id)
        self.assertEqual(
            [
                group[k]
                for k in (
                    "amount_current",
                    "amount_1_30",
                    "amount_31_60",
                    "amount_61_90",
                    "amount_over_90",
                    "amount_residual",
                )
            ],
            [100.0, 200.0, 300.0, 400.0, 400.0, 1400.0],
        )
        summary = self.env["saas.metrics"]._collections_summary(self.company, self.currency)
        self.assertEqual(summary["buckets"]["over_90"], D(400))
        self.assertEqual(summary["total_due"], D(1400))
        self.assertEqual(summary["overdue"], D(1300))
        action = rows[0].action_open_document()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("account.move", rows[0].move_id.id)
        )

    def test_unapplied_payment_is_a_customer_credit_in_the_aging(self):
        """A payment the source did not link to its invoice (Stripe's current
        shape without ``invoice_payment.paid``) is a customer credit: the
        aging nets it with the open invoice, as the DSO's receivables do,
        never an open invoice beside a silent payment."""
        today = self.today
        invoice = self.invoice("in_u", "150.00", today + timedelta(days=10))
        self.pay("pay_u", None, "150.00", today - timedelta(days=2))
        Aging = self.env["saas.receivable.aging"]
        rows = Aging.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(rows), 2)
        credit = rows.filtered(lambda row: row.move_id != invoice)
        self.assertEqual(to_decimal(credit.amount_residual), D(-150))
        self.assertEqual(credit.partner_id, self.partner)
        self.assertEqual(to_decimal(sum(rows.mapped("amount_residual"))), D(0))
        summary = self.env["saas.metrics"]._collections_summary(self.company, self.currency)
        self.assertEqual(summary["total_due"], D(0))
        self.assertEqual(summary["receivables"], D(0))

    def test_dso_of_a_month(self):
        june = date(2026, 6, 1)
        self.invoice("in_j1", "1000.00", date(2026, 7, 10), day=date(2026, 6, 10))
        self.invoice("in_j2", "500.00", date(2026, 6, 20), day=date(2026, 6, 5))
        self.pay("pay_j2", "in_j2", "500.00", date(2026, 6, 18))
        self.invoice("in_jul", "700.00", date(2026, 8, 10), day=date(2026, 7, 2))
        summary = self.env["saas.metrics"]._collections_summary(self.company, self.currency, june)
        # receivables at June 30: 1,000.00; June's credit sales: 1,500.00; 30 days
        self.assertEqual((summary["receivables"], summary["sales"]), (D(1000), D(1500)))
        self.assertEqual(summary["dso"], D("20.0"))

    def test_failed_payments_and_activities(self):
        self.subscribe("subscription.activated", "sub_f", "cus_c", price="40.00")
        for attempt in (1, 2):
            data = {
                "payment_id": f"pay_fail_{attempt}",
                "customer_id": "cus_c",
                "subscription_id": "sub_f",
                "currency": self.currency.name,
                "amount": "40.00",
                "failure_message": "Card declined",
            }
            self.assertDone(self.emit("payment.failed", data))
        summary = self.env["saas.metrics"]._collections_summary(self.company, self.currency)
        self.assertEqual((summary["failed_subscriptions"], summary["failed_attempts"]), (1, 2))
        self.assertEqual(summary["failed_mrr"], D(40))
        self.assertGreaterEqual(summary["activities"], 2)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_metrics.action_saas_failed_payments"
        )
        listed = self.env["saas.subscription"].search(safe_eval(action["domain"]))
        self.assertIn(self.subscription("sub_f"), listed)

    def payment_fails(
        self, pay_id, day, inv_id=None, sub_id=None, customer="cus_c", amount="100.00"
    ):
        data = {
            "payment_id": pay_id,
            "customer_id": customer,
            "currency": self.currency.name,
            "amount": amount,
            "failure_message": "Card declined",
        }
        if inv_id:
            data["invoice_id"] = inv_id
        if sub_id:
            data["subscription_id"] = sub_id
        self.assertDone(self.emit("payment.failed", data, occurred_at=f"{day}T10:00:00Z"))

    def collection_todos(self, records=None):
        """The open *Collect failed payment* to-dos (on ``records`` only)."""
        domain = [("summary", "=like", "Collect failed payment%")]
        if records is not None:
            domain += [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        return self.env["mail.activity"].sudo().search(domain)

    def test_collections_of_a_past_month_as_at_its_end(self):
        """Issue 19 #4: February 2026 prints February's aging and failures,
        not today's (the invoice was paid in March)."""
        Metrics = self.env["saas.metrics"]
        self.invoice("in_feb", "100.00", date(2026, 1, 31), day=date(2026, 1, 15))
        self.invoice("in_late", "40.00", date(2026, 3, 31), day=date(2026, 3, 1))
        self.payment_fails("pay_feb", date(2026, 2, 10), inv_id="in_feb")
        self.pay("pay_mar", "in_feb", "100.00", date(2026, 3, 15))
        self.pay("pay_late", "in_late", "40.00", date(2026, 4, 2))
        feb = Metrics._collections_summary(self.company, self.currency, date(2026, 2, 1))
        # 28 days past due at February 28; March's invoice not issued yet
        self.assertEqual(feb["buckets"]["1_30"], D(100))
        self.assertEqual(feb["as_of"], date(2026, 2, 28))
        self.assertEqual((feb["total_due"], feb["overdue"]), (D(100), D(100)))
        self.assertEqual((feb["failed_attempts"], feb["activities"]), (1, 1))
        march = Metrics._collections_summary(self.company, self.currency, date(2026, 3, 1))
        self.assertEqual(march["buckets"]["current"], D(40))
        self.assertEqual((march["total_due"], march["overdue"]), (D(40), D(0)))
        self.assertEqual((march["failed_attempts"], march["activities"]), (0, 0))
        january = Metrics._collections_summary(self.company, self.currency, date(2020, 1, 1))
        self.assertEqual((january["total_due"], january["failed_attempts"]), (D(0), 0))
        now = Metrics._collections_summary(self.company, self.currency)
        self.assertEqual(
            (now["total_due"], now["failed_attempts"], now["activities"]), (D(0), 0, 0)
        )
        # a partial payment leaves the rest aged at the month end
        self.invoice("in_part", "90.00", date(2026, 5, 10), day=date(2026, 5, 1))
        self.pay("pay_part", "in_part", "30.00", date(2026, 5, 20))
        may = Metrics._collections_summary(self.company, self.currency, date(2026, 5, 1))
        self.assertEqual(may["buckets"]["1_30"], D(60))

    def test_collection_todo_closes_when_the_invoice_is_settled(self):
        """Issue 19 #9: a failed payment's to-do closes when its payment or a
        later one settles the invoice, not before."""
        self.subscribe("subscription.activated", "sub_t", "cus_c", price="100.00")
        subscription = self.subscription("sub_t")
        self.invoice("in_t", "100.00", self.today - timedelta(days=5), sub_id="sub_t")
        self.payment_fails("pay_t1", self.today - timedelta(days=4), inv_id="in_t", sub_id="sub_t")
        self.payment_fails("pay_t2", self.today - timedelta(days=2), inv_id="in_t", sub_id="sub_t")
        self.assertEqual(len(self.collection_todos(subscription)), 2)
        # a partial payment settles nothing
        self.pay("pay_t3", "in_t", "30.00", self.today - timedelta(days=1))
        self.assertEqual(len(self.collection_todos(subscription)), 2)
        self.pay("pay_t4", "in_t", "70.00", self.today)
        self.assertFalse(self.collection_todos(subscription))
        failures = self.env["saas.payment.failure"].search([("payment_key", "like", "pay_t")])
        self.assertEqual(set(failures.mapped("settled_date")), {self.today})
        summary = self.env["saas.metrics"]._collections_summary(self.company, self.currency)
        self.assertEqual((summary["failed_attempts"], summary["activities"]), (0, 0))
        # a failure without an invoice closes when the same payment succeeds on retry
        self.payment_fails("pay_r", self.today - timedelta(days=1), sub_id="sub_t", amount="10.00")
        self.assertEqual(len(self.collection_todos(subscription)), 1)
        self.pay("pay_r", "in_t", "10.00", self.today)
        self.assertFalse(self.collection_todos(subscription))
        # a failure reported after its invoice was settled opens no to-do
        self.payment_fails("pay_t1_late", self.today, inv_id="in_t", sub_id="sub_t")
        self.assertFalse(self.collection_todos(subscription))

    def test_failures_from_before_the_upgrade_are_backfilled(self):
        """The migration to 18.0.1.1.0 keeps the failures recorded before it:
        an invoice settled meanwhile closes its stale to-do."""
        self.subscribe("subscription.activated", "sub_b", "cus_c", price="100.00")
        subscription = self.subscription("sub_b")
        self.invoice("in_b1", "100.00", self.today - timedelta(days=5), sub_id="sub_b")
        self.invoice("in_b2", "50.00", self.today - timedelta(days=5), sub_id="sub_b")
        self.payment_fails("pay_b1", self.today - timedelta(days=4), inv_id="in_b1", sub_id="sub_b")
        self.payment_fails("pay_b2", self.today - timedelta(days=4), inv_id="in_b2", sub_id="sub_b")
        Failure = self.env["saas.payment.failure"].sudo()
        Failure.search([("subscription_id", "=", subscription.id)]).unlink()
        self.pay("pay_b3", "in_b1", "100.00", self.today)  # before the upgrade: no closing
        self.assertEqual(len(self.collection_todos(subscription)), 2)
        Failure._backfill()
        failures = Failure.search([("subscription_id", "=", subscription.id)])
        by_key = {failure.payment_key: failure for failure in failures}
        self.assertEqual(set(by_key), {"pay_b1", "pay_b2"})
        invoice_b2 = self.env["saas.binding"].find_record(self.system, "account.move", "in_b2")
        self.assertEqual(by_key["pay_b2"].invoice_id, invoice_b2)
        self.assertEqual(by_key["pay_b1"].settled_date, self.today)
        self.assertFalse(by_key["pay_b2"].settled_date)
        self.assertEqual(self.collection_todos(subscription), by_key["pay_b2"].activity_id)
        Failure._backfill()  # once
        self.assertEqual(Failure.search([("subscription_id", "=", subscription.id)]), failures)

    def test_demo_collection_todos_are_not_stale(self):
        """Issue 19 #9 on the demo: a failed invoice that a later payment of
        its subscription settled has no to-do left; the open ones are unpaid."""
        system = self.env.ref("saas_subscription.demo_system_billing")
        failures = self.env["saas.payment.failure"].sudo().search([("system_id", "=", system.id)])
        self.assertTrue(failures, "run with the demo data")
        for failure in failures:
            settled = failure.invoice_id.payment_state in ("paid", "in_payment", "reversed")
            self.assertEqual(bool(failure.settled_date), settled, failure.payment_key)
            self.assertEqual(bool(failure.activity_id), not settled, failure.payment_key)
        subscriptions = self.env["saas.subscription"].sudo().search([("system_id", "=", system.id)])
        todos = self.collection_todos(subscriptions)
        self.assertEqual(todos, failures.activity_id)

    def test_cash_forecast_lines_with_their_source(self):
        today = self.today
        # renewals before tax here: taxes are tested apart
        self.product_starter.taxes_id = [Command.clear()]
        # history: an invoice paid 4 days after its due date
        self.invoice("in_old", "100.00", today - timedelta(days=40), day=today - timedelta(days=70))
        self.pay("pay_old", "in_old", "100.00", today - timedelta(days=36))
        # open: one invoice, and a paid one credited (the credit note is a refund to pay)
        open_invoice = self.invoice("in_open", "250.00", today + timedelta(days=10))
        self.invoice("in_cr", "80.00", today - timedelta(days=3))
        self.pay("pay_cr", "in_cr", "80.00", today - timedelta(days=2))
        credit = {
            "credit_note_id": "cn_1",
            "invoice_id": "in_cr",
            "customer_id": "cus_c",
            "currency": self.currency.name,
            "total": "80.00",
            "date": str(today),
        }
        self.assertDone(self.emit("credit_note.issued", credit))
        credit_note = self.env["saas.binding"].find_record(self.system, "account.move", "cn_1")
        # a monthly subscription renewing in 20 days
        self.subscribe(
            "subscription.activated",
            "sub_r",
            "cus_c",
            price="50.00",
            period_start=str(today - timedelta(days=10)),
            period_end=str(today + timedelta(days=20)),
        )
        Forecast = self.env["saas.cash.forecast.line"]
        lines = Forecast._rebuild_forecast(self.company)
        by_source = {}
        for line in lines:
            by_source.setdefault(line.source_ref, []).append(line)
        (invoice_line,) = by_source[open_invoice]
        self.assertEqual(invoice_line.kind, "invoice")
        # the customer's paid invoices: 4 days and 1 day late, 2.5 -> 3 days
        self.assertEqual(invoice_line.date, today + timedelta(days=13))
        self.assertEqual(to_decimal(invoice_line.amount), D(250))
        (refund_line,) = by_source[credit_note]
        self.assertEqual((refund_line.kind, to_decimal(refund_line.amount)), ("refund", D(-80)))
        renewals = by_source[self.subscription("sub_r")]
        self.assertEqual([r.kind for r in renewals], ["renewal"] * len(renewals))
        self.assertGreaterEqual(len(renewals), 2)
        self.assertEqual(renewals[0].date, today + timedelta(days=23))
        self.assertEqual({to_decimal(r.amount) for r in renewals}, {D(50)})
        self.assertNotIn(
            self.env["saas.binding"].find_record(self.system, "account.move", "in_old"), by_source
        )
        for line in lines:
            self.assertTrue(1 <= line.week_number <= 13)
            self.assertEqual(line.week.weekday(), 0)
        action = invoice_line.action_open_source()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.move", open_invoice.id))
        # rebuilding replaces the lines
        again = Forecast._rebuild_forecast(self.company)
        self.assertEqual(len(again), len(lines))
        self.assertFalse(lines.exists())

    def test_cash_forecast_renewals_include_tax(self):
        """Issue 20: invoices are collected tax included, so are renewals: a
        renewal of 100.00 with a 20 % tax is forecast as 120.00."""
        today = self.today
        tax = self.env["account.tax"].create(
            {
                "name": "VAT 20 (forecast)",
                "amount": 20.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": self.company.id,
            }
        )
        self.product_starter.taxes_id = [Command.set(tax.ids)]
        self.subscribe(
            "subscription.activated",
            "sub_tax",
            "cus_c",
            price="100.00",
            period_start=str(today - timedelta(days=10)),
            period_end=str(today + timedelta(days=20)),
        )
        subscription = self.subscription("sub_tax")
        Forecast = self.env["saas.cash.forecast.line"]

        def renewals():
            lines = Forecast._rebuild_forecast(self.company)
            return {
                to_decimal(line.amount)
                for line in lines
                if line.kind == "renewal" and line.source_ref == subscription
            }

        # no invoice yet: the product's taxes
        self.assertEqual(renewals(), {D("120.00")})
        # once invoiced, the taxes the last invoice carried (here none)
        self.invoice("in_tax", "100.00", today + timedelta(days=5), sub_id="sub_tax")
        self.assertEqual(renewals(), {D("100.00")})

    def test_aging_list_opens_for_readers_without_journal_entries(self):
        """Support and finance reviewers may not read journal entries: the
        aging list (and the pivot's drill-down) reads what its list view
        shows, and each row is named after its document's number."""
        move = self.invoice("in_g", "120.00", self.today - timedelta(days=5))
        for user in self.readers():
            Aging = self.env["saas.receivable.aging"].with_user(user)
            views = Aging.get_views([(False, "list"), (False, "search")])
            fields_info = views["models"]["saas.receivable.aging"]["fields"]
            spec = {"display_name": {}}
            for node in etree.fromstring(views["views"]["list"]["arch"]).iter("field"):
                many2one = fields_info[node.get("name")]["type"] == "many2one"
                spec[node.get("name")] = {"fields": {"display_name": {}}} if many2one else {}
            rows = Aging.web_search_read([("company_id", "=", self.company.id)], spec)
            self.assertIn(move.name, [row["display_name"] for row in rows["records"]], user.login)

    def test_cash_forecast_menu_opens_for_readers_and_writes_nothing(self):
        """The menu opens the stored forecast (a window action): opening it
        writes nothing, so every reader opens it; the financial lane's
        scheduled action keeps it current."""
        open_invoice = self.invoice("in_f", "250.00", self.today + timedelta(days=10))
        Forecast = self.env["saas.cash.forecast.line"]
        lines = Forecast._rebuild_forecast(self.company)
        self.assertIn(open_invoice, lines.mapped("source_ref"))
        action = self.env.ref("saas_metrics.menu_saas_cash_forecast").action
        for user in self.readers():
            if action._name == "ir.actions.server":
                # what the web client does with the menu (/web/action/run)
                action.with_user(user).run()
            self.assertEqual(
                (action._name, action.res_model),
                ("ir.actions.act_window", "saas.cash.forecast.line"),
            )
            rows = Forecast.with_user(user).search([("company_id", "=", self.company.id)])
            self.assertEqual(rows, lines, user.login)
        self.assertEqual(Forecast.search([("company_id", "=", self.company.id)]), lines)

    def test_financial_lane_rebuilds_the_cash_forecast(self):
        """The scheduled action of the financial lane keeps the forecast of
        every company current (the menu only reads it)."""
        open_invoice = self.invoice("in_h", "90.00", self.today + timedelta(days=3))
        cron = self.env.ref("saas_metrics.ir_cron_rebuild_cash_forecast")
        self.assertEqual(cron.code.strip(), "model._cron_rebuild_forecast()")
        cron.method_direct_trigger()
        lines = self.env["saas.cash.forecast.line"].search([("company_id", "=", self.company.id)])
        self.assertIn(open_invoice, lines.mapped("source_ref"))

    def test_billing_users_get_the_collections_menus(self):
        """Accounting "Billing" users read the subscriptions, the aging and
        the cash forecast: the suite's app and those menus are theirs too;
        the integration's own menus are not."""
        billing = self.reader("coll_billing_menus", "base.group_user,account.group_account_invoice")
        menus = self.env["ir.ui.menu"].with_user(billing).load_menus(False)
        xmlids = {menu.get("xmlid") for menu in menus.values()}
        for xmlid in (
            "saas_sync.menu_saas_root",
            "saas_subscription.menu_saas_subscriptions",
            "saas_metrics.menu_saas_receivable_aging",
            "saas_metrics.menu_saas_cash_forecast",
        ):
            self.assertIn(xmlid, xmlids)
        for xmlid in ("saas_sync.menu_saas_dashboard", "saas_sync.menu_saas_events"):
            self.assertNotIn(xmlid, xmlids)
