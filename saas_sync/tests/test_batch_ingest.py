# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A list of events is stored with set-based SQL: one insert for the list,
one look-up for the duplicates, whatever its length."""

from odoo.tests import TransactionCase, tagged

from .common import SaasSyncCommon, canonical_event


@tagged("post_install", "-at_install")
class TestBatchIngest(SaasSyncCommon, TransactionCase):
    def receive(self, ids, **header):
        results = self.env["saas.event"]._receive_canonical(
            self.system, [canonical_event(external_id, **header) for external_id in ids]
        )
        return [(event.id, created) for event, created in results]

    def stored(self, external_id):
        return self.env["saas.event"].search(
            [("system_id", "=", self.system.id), ("external_id", "=", external_id)]
        )

    def test_batch_with_internal_duplicates(self):
        answers = self.receive(["evt_in_a", "evt_in_b", "evt_in_a", "evt_in_c", "evt_in_b"])
        a, b, c = (self.stored(ext) for ext in ("evt_in_a", "evt_in_b", "evt_in_c"))
        self.assertEqual((len(a), len(b), len(c)), (1, 1, 1))
        # The first occurrence is the new one; a repeat answers the same event.
        self.assertEqual(
            answers, [(a.id, True), (b.id, True), (a.id, False), (c.id, True), (b.id, False)]
        )

    def test_batch_overlapping_an_earlier_batch(self):
        first = dict(
            zip(
                ["evt_ov_1", "evt_ov_2", "evt_ov_3"],
                self.receive(["evt_ov_1", "evt_ov_2", "evt_ov_3"]),
                strict=True,
            )
        )
        self.assertTrue(all(created for _id, created in first.values()))
        answers = self.receive(["evt_ov_3", "evt_ov_4", "evt_ov_1"])
        self.assertEqual(answers[0], (first["evt_ov_3"][0], False))
        self.assertEqual(answers[2], (first["evt_ov_1"][0], False))
        self.assertTrue(answers[1][1])
        self.assertEqual(self.stored("evt_ov_4").id, answers[1][0])
        self.assertEqual(
            self.env["saas.event"].search_count(
                [("system_id", "=", self.system.id), ("external_id", "like", "evt_ov_")]
            ),
            4,
        )

    def test_answers_carry_the_stored_fields(self):
        [(event, created)] = self.env["saas.event"]._receive_canonical(
            self.system, [canonical_event("evt_fields_batch")]
        )
        self.assertTrue(created)
        event.invalidate_recordset()
        self.assertEqual(
            (event.external_id, event.state, event.lane, event.attempt_count, event.company_id),
            ("evt_fields_batch", "received", "operational", 0, self.company),
        )
        self.assertTrue(event.received_at)

    def queries(self, ids):
        cr = self.env.cr
        before = cr.sql_log_count
        self.receive(ids)
        return cr.sql_log_count - before

    def test_query_count_does_not_grow_with_the_batch(self):
        # Warm the caches (cron ids, settings) first.
        self.receive(["evt_qc_warm"])
        new_small = self.queries([f"evt_qc_s{n}" for n in range(2)])
        new_large = self.queries([f"evt_qc_l{n}" for n in range(50)])
        self.assertEqual(new_small, new_large)
        # Savepoint, INSERT, back-pressure count, release, lane trigger.
        self.assertLessEqual(new_large, 6)
        # Half stored already: one more query, the look-up of the duplicates.
        mixed_small = self.queries(["evt_qc_s0", "evt_qc_s9"])
        mixed_large = self.queries(
            [f"evt_qc_l{n}" for n in range(25)] + [f"evt_qc_m{n}" for n in range(25)]
        )
        self.assertEqual(mixed_small, mixed_large)
        self.assertEqual(mixed_large, new_large + 1)
        duplicates_only = self.queries([f"evt_qc_l{n}" for n in range(50)])
        # Nothing new: no back-pressure count, no trigger.
        self.assertLessEqual(duplicates_only, 4)

    def test_event_is_stored_in_the_company_its_entity_maps_to(self):
        other = self.env["res.company"].create({"name": "Entity DE"})
        mapping = self.env["saas.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "company",
                "external_key": "DE",
                "target_ref": f"res.company,{other.id}",
            }
        )
        mapping.action_approve()
        self.receive(["evt_ent_de"], entity="DE")
        self.receive(["evt_ent_fr"], entity="FR")  # no mapping yet: the system's company
        self.receive(["evt_ent_none"])
        self.assertEqual(self.stored("evt_ent_de").company_id, other)
        self.assertEqual(self.stored("evt_ent_fr").company_id, self.company)
        self.assertEqual(self.stored("evt_ent_none").company_id, self.company)
        # Routing it when it runs finds it there already: nothing to write.
        event = self.stored("evt_ent_de")
        self.env.flush_all()
        cr = self.env.cr
        before = cr.sql_log_count
        event._route_to_company(other)
        self.env.flush_all()
        self.assertEqual(cr.sql_log_count, before)
