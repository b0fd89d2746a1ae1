# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools.safe_eval import safe_eval

from ..exceptions import MappingError
from .common import SaasSyncCommon, canonical_event


@tagged("post_install", "-at_install")
class TestMapping(SaasSyncCommon, TransactionCase):
    def _mapping(self, key="EUR-ENTITY", currency="base.EUR", system=True):
        return self.env["saas.mapping"].create(
            {
                "system_id": self.system.id if system else False,
                "kind": "currency",
                "external_key": key,
                "target_ref": f"res.currency,{self.env.ref(currency).id}",
            }
        )

    def test_resolve_needs_an_approved_mapping(self):
        mapping = self._mapping()
        with self.assertRaises(MappingError):
            self.env["saas.mapping"].resolve(self.system, "currency", "EUR-ENTITY")
        mapping.with_user(self.reviewer_user).action_approve()
        self.assertEqual(mapping.approved_by_id, self.reviewer_user)
        self.assertEqual(
            self.env["saas.mapping"].resolve(self.system, "currency", "EUR-ENTITY"),
            self.env.ref("base.EUR"),
        )

    def test_new_version_supersedes_the_old(self):
        first = self._mapping()
        first.action_approve()
        second = self._mapping(currency="base.USD")
        self.assertEqual(second.version, 2)
        second.action_approve()
        self.assertEqual(first.state, "archived")
        self.assertEqual(second.state, "approved")
        self.assertEqual(
            self.env["saas.mapping"].resolve(self.system, "currency", "EUR-ENTITY"),
            self.env.ref("base.USD"),
        )
        self.assertEqual(
            self.env["saas.mapping"].search_count(
                [("external_key", "=", "EUR-ENTITY"), ("state", "=", "approved")]
            ),
            1,
        )

    def test_names_on_screen_and_a_new_version_of_a_draft_the_engine_made(self):
        """Issue 19: the new mapping's breadcrumb read ": (v1)", its target
        "(res.currency,1)", and a new version copied the engine's note."""
        Mapping = self.env["saas.mapping"]
        self.assertFalse(Mapping.new({}).display_name)
        mapping = self._mapping()
        self.assertEqual(mapping.display_name, "Currency: EUR-ENTITY (v1)")
        self.assertEqual(mapping.target_name, "EUR (Currency)")
        draft = Mapping._ensure_draft("currency", "NEEDED", self.system)
        self.assertEqual(draft.note, "Created because an event needed it.")
        action = draft.with_user(self.reviewer_user).action_new_version()
        self.assertFalse(Mapping.browse(action["res_id"]).note)
        mapping.note = "Agreed with the controller"
        action = mapping.with_user(self.reviewer_user).action_new_version()
        self.assertEqual(Mapping.browse(action["res_id"]).note, "Agreed with the controller")

    def test_system_mapping_wins_over_global(self):
        self._mapping(system=False, currency="base.USD").action_approve()
        self.assertEqual(
            self.env["saas.mapping"].resolve(self.system, "currency", "EUR-ENTITY"),
            self.env.ref("base.USD"),
        )
        self._mapping(currency="base.EUR").action_approve()
        self.assertEqual(
            self.env["saas.mapping"].resolve(self.system, "currency", "EUR-ENTITY"),
            self.env.ref("base.EUR"),
        )

    def test_approval_rules(self):
        draft = self.env["saas.mapping"].create(
            {"system_id": self.system.id, "kind": "currency", "external_key": "NOPE"}
        )
        with self.assertRaises(UserError):
            draft.action_approve()  # no target yet
        with self.assertRaises(AccessError):
            self._mapping().with_user(self.support_user).action_approve()
        with self.assertRaises(ValidationError):
            self.env["saas.mapping"].create(
                {
                    "kind": "company",
                    "external_key": "US",
                    "target_ref": f"res.currency,{self.env.ref('base.USD').id}",
                }
            )
        approved = self._mapping(key="LOCKED")
        approved.action_approve()
        with self.assertRaises(UserError):
            approved.target_ref = f"res.currency,{self.env.ref('base.USD').id}"

    def test_changes_are_tracked_in_chatter(self):
        mapping = (
            self.env["saas.mapping"]
            .with_context(tracking_disable=False)
            .create(
                {
                    "kind": "currency",
                    "external_key": "TRACKED",
                    "target_ref": f"res.currency,{self.env.ref('base.EUR').id}",
                }
            )
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        mapping.action_approve()
        self.env.flush_all()
        self.env.cr.precommit.run()
        messages = self.env["mail.message"].search(
            [("model", "=", "saas.mapping"), ("res_id", "=", mapping.id)]
        )
        tracked = messages.tracking_value_ids.field_id.mapped("name")
        self.assertIn("state", tracked)
        self.assertIn("approved_by_id", tracked)

    def test_new_mapping_form_offers_the_systems(self):
        """The documented step "choose your system": on a new mapping, where
        the company is not chosen yet (and hidden in a single-company
        database), the System field offers the systems of the user's company
        (the web client evaluates the field's domain with the form's values)."""
        Mapping = self.env["saas.mapping"].with_user(self.reviewer_user)
        views = Mapping.get_views([(False, "form")])
        (node,) = etree.fromstring(views["views"]["form"]["arch"]).xpath(
            "//field[@name='system_id']"
        )
        domain = node.get("domain") or views["models"]["saas.mapping"]["fields"]["system_id"].get(
            "domain"
        )
        new = Mapping.onchange({}, [], {"company_id": {}, "system_id": {}, "kind": {}})["value"]
        values = {
            "company_id": new.get("company_id") or False,
            "allowed_company_ids": self.reviewer_user.company_ids.ids,
        }
        offered = (
            self.env["saas.system"]
            .with_user(self.reviewer_user)
            .search(safe_eval(domain or "[]", values))
        )
        self.assertIn(self.system, offered)

    def test_mapping_company_follows_its_system(self):
        company_b = self.env["res.company"].create({"name": "Mapping company B"})
        mapping = self.env["saas.mapping"].create(
            {"system_id": self.system.id, "kind": "currency", "external_key": "CB"}
        )
        self.assertEqual(mapping.company_id, self.company)
        # A company mapping points at another company: that is its purpose.
        self.env["saas.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "company",
                "external_key": "EU",
                "target_ref": f"res.company,{company_b.id}",
            }
        )
        # _check_system_company: a mapping cannot name a system of another company.
        system_b = self.env["saas.system"].create(
            {"name": "B", "code": "map-b", "company_id": company_b.id}
        )
        with self.assertRaises(UserError):
            self.env["saas.mapping"].create(
                {
                    "system_id": system_b.id,
                    "company_id": self.company.id,
                    "kind": "currency",
                    "external_key": "CB2",
                }
            )


@tagged("post_install", "-at_install")
class TestMappingWorkflowRpc(SaasSyncCommon, HttpCase):
    """A finance reviewer, over JSON-RPC, changes a mapping's state only through
    its actions."""

    def call(self, model, method, *args, **kwargs):
        self.authenticate(self.reviewer_user.login, self.reviewer_user.login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_reviewer_cannot_write_the_workflow_fields(self):
        mapping = self.env["saas.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "currency",
                "external_key": "RPC",
                "target_ref": f"res.currency,{self.env.ref('base.EUR').id}",
            }
        )
        event = self.store(canonical_event("evt_waiting"))
        event.write({"state": "needs_mapping", "missing_mapping_id": mapping.id})
        forbidden = [
            {"state": "approved"},
            {"approved_by_id": self.reviewer_user.id},
            {"approved_at": "2026-01-01 00:00:00"},
            {"version": 7},
        ]
        for vals in forbidden:
            with self.subTest(vals=vals):
                with self.assertRaises(JsonRpcException) as refused:
                    self.call("saas.mapping", "write", [mapping.id], vals)
                self.assertEqual(str(refused.exception), "odoo.exceptions.UserError")
        # The actions' own context key, sent by the client, opens nothing.
        with self.assertRaises(JsonRpcException):
            self.call(
                "saas.mapping",
                "write",
                [mapping.id],
                {"state": "approved"},
                context={"saas_mapping_internal": True},
            )
        with self.assertRaises(JsonRpcException):
            self.call(
                "saas.mapping",
                "create",
                {
                    "system_id": self.system.id,
                    "kind": "currency",
                    "external_key": "RPC2",
                    "target_ref": f"res.currency,{self.env.ref('base.EUR').id}",
                    "state": "approved",
                },
            )
        mapping.invalidate_recordset()
        self.assertEqual(
            (mapping.state, mapping.approved_by_id, mapping.version),
            ("draft", self.env["res.users"], 1),
        )
        self.assertEqual(event.state, "needs_mapping")
        # The action approves, names the approver and lets the waiting event retry.
        self.call("saas.mapping", "action_approve", [mapping.id])
        mapping.invalidate_recordset()
        event.invalidate_recordset()
        self.assertEqual((mapping.state, mapping.approved_by_id), ("approved", self.reviewer_user))
        self.assertTrue(mapping.approved_at)
        self.assertEqual(event.state, "retry")
        # A note stays writable.
        self.call("saas.mapping", "write", [mapping.id], {"note": "checked"})
        self.assertEqual(mapping.note, "checked")
        # New version and archive go through their actions too.
        action = self.call("saas.mapping", "action_new_version", [mapping.id])
        new = self.env["saas.mapping"].browse(action["res_id"])
        self.assertEqual((new.state, new.version), ("draft", 2))
        self.call("saas.mapping", "action_archive_mapping", [mapping.id])
        mapping.invalidate_recordset()
        self.assertEqual(mapping.state, "archived")

    def test_draft_created_for_an_event_takes_its_target_with_tracking(self):
        """The runbook's fix of a parked event: the draft the engine created gets
        its record and is approved, with tracking on as in the web client."""
        Mapping = self.env["saas.mapping"].with_context(tracking_disable=False)
        draft = Mapping._ensure_draft("currency", "PARKED", self.system)
        self.assertFalse(draft.target_ref)
        # The engine created the draft in an earlier transaction.
        self.env.flush_all()
        self.env.cr.precommit.run()
        draft.with_user(self.reviewer_user).write(
            {"target_ref": f"res.currency,{self.env.ref('base.EUR').id}"}
        )
        draft.with_user(self.reviewer_user).action_approve()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(draft.state, "approved")
        self.assertIn("EUR", draft.target_name)
        tracked = draft.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "target_name"
        )
        self.assertEqual(len(tracked), 1)
        self.assertIn("EUR", tracked.new_value_char)
