# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.saas_sync.tests.common import RpcAccessCase, RpcRow

from .common import UsageCommon


@tagged("post_install", "-at_install")
class TestUsageRecords(UsageCommon, RpcAccessCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_roles("usage", other=("support", "admin"))

    def test_an_identifier_is_stored_once_per_system(self):
        self.make_record("u_1")
        other = self.env["saas.system"].create(
            {"name": "Other", "code": "other-usage", "kind": "generic", "environment": "sandbox"}
        )
        self.make_record("u_1", system_id=other.id)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.make_record("u_1")

    def test_month_end_reads_through_the_company_meter_timestamp_index(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'saas_usage_record' "
            "AND indexname = 'saas_usage_record_company_meter_timestamp_index'"
        )
        [(definition,)] = self.env.cr.fetchall()
        self.assertIn('(company_id, meter_id, "timestamp")', definition)

    def test_the_value_is_stored_exactly(self):
        record = self.make_record("u_exact", value=0.1)
        self.env.cr.execute("SELECT value::text FROM saas_usage_record WHERE id = %s", [record.id])
        self.assertEqual(self.env.cr.fetchone()[0], "0.1")

    def test_a_unique_count_meter_names_its_property(self):
        with self.assertRaisesRegex(ValidationError, "say which property"):
            self.Meter.create({"code": "users", "name": "Users", "aggregation": "unique_count"})

    def test_records_of_another_company_are_not_seen(self):
        record = self.make_record("u_seen")
        Record = self.Record.with_user(self.support_b).with_context(
            allowed_company_ids=self.support_b.company_ids.ids
        )
        self.assertFalse(Record.search([("id", "=", record.id)]))
        self.assertEqual(
            self.Record.with_user(self.support).search([("id", "=", record.id)]), record
        )

    def test_only_the_company_administrators_cancel_a_record(self):
        record = self.make_record("u_cancel")
        self.assertRpcTable(
            [
                RpcRow(
                    "saas.usage.record",
                    "action_cancel",
                    lambda t: [record.ids],
                    (self.user, self.support, self.reviewer, self.admin_b),
                    self.admin,
                ),
                RpcRow(
                    "saas.usage.meter",
                    "create",
                    lambda t: [{"code": "x", "name": "X"}],
                    (self.user, self.support, self.reviewer),
                    self.admin,
                ),
            ]
        )
        record.action_cancel()
        self.assertEqual(record.state, "cancelled")
