# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.saas_subscription.tests.common import SubscriptionCommon

COUNT = 60


@tagged("post_install", "-at_install")
class TestOverrideUnderLoad(SubscriptionCommon):
    """This addon's override of ``_apply_invoice_issued`` (a review activity
    above a threshold) holds when the engine claims many invoice events at
    once, as when they are processed one by one: the batch path never skips a
    customization."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.saas_example_invoice_terms = "Payable within 15 days."
        cls.company.saas_example_review_above = 100.0
        cls.other = cls.env["saas.system"].create(
            {
                "name": "Billing, one by one",
                "code": "billing-example-one-by-one",
                "kind": "billing",
                "environment": "sandbox",
                "company_id": cls.company.id,
                "owns_customers": True,
                "owns_subscriptions": True,
                "owns_payments": True,
            }
        )
        cls.map_product("starter", cls.product_starter, system=cls.other)

    def _store(self, system):
        for number in range(COUNT):
            self.emit(
                "customer.upserted",
                {"customer_id": f"cus_{number}", "name": f"Customer {number}"},
                system=system,
                process=False,
            )
        for number in range(COUNT):
            price = f"{40 + 3 * number}.00"
            self.emit(
                "invoice.issued",
                {
                    "invoice_id": f"in_{number}",
                    "customer_id": f"cus_{number}",
                    "currency": self.currency.name,
                    "total": price,
                    "date": "2026-01-01",
                    "lines": [{"plan": "starter", "quantity": "1", "unit_amount": price}],
                },
                occurred_at="2026-01-01T00:00:01Z",
                system=system,
                process=False,
            )

    def _records(self, system):
        rows = []
        for number in range(COUNT):
            invoice = self.env["saas.binding"].find_record(system, "account.move", f"in_{number}")
            rows.append(
                (
                    invoice.state,
                    invoice.amount_total,
                    invoice.partner_id.name,
                    str(invoice.narration),
                    [(line.product_id.id, line.price_unit) for line in invoice.invoice_line_ids],
                    [
                        (activity.summary or "").replace(invoice.name, "<name>")
                        for activity in invoice.activity_ids
                    ],
                    len(invoice.saas_event_id.record_ids),
                )
            )
        events = self.env["saas.event"].search([("system_id", "=", system.id)])
        return rows, sorted(events.mapped("state")), sorted(len(e.attempt_ids) for e in events)

    def test_invoices_of_a_batch_get_the_override_as_one_by_one(self):
        self._store(self.system)
        Event = self.env["saas.event"]
        # the engine's claims: 50 events at a time, as a lane cron does
        while Event.process_pending(system_ids=self.system.ids, limit=50):
            pass
        self._store(self.other)
        while Event.process_pending(system_ids=self.other.ids, limit=1):
            pass
        batch, one_by_one = self._records(self.system), self._records(self.other)
        self.assertEqual(batch, one_by_one)
        rows, states, attempts = batch
        self.assertEqual(set(states), {"done"})
        self.assertEqual(set(attempts), {1})
        reviewed = [row for row in rows if row[5]]
        # totals 40.00 + 3n: above 100.00 from n = 21
        self.assertEqual(len(reviewed), COUNT - 21)
        self.assertEqual({tuple(row[5]) for row in reviewed}, {("Review invoice <name>",)})
        self.assertTrue(all(row[3] and "Payable within 15 days." in row[3] for row in rows))
