# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared setup of the integration core tests: systems, keys, canonical events
and a test handler whose behaviour each test scripts."""

import contextlib
import threading
from typing import NamedTuple
from unittest.mock import patch

from odoo.api import call_kw
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user

from ..exceptions import DependencyError, EventValidationError, MappingError, TransientError

TEST_TYPE = "customer.upserted"


def canonical_event(external_id, event_type=TEST_TYPE, data=None, **header):
    event = {
        "id": external_id,
        "type": event_type,
        "occurred_at": "2026-02-01T00:00:00Z",
        "schema_version": 1,
        "livemode": False,
        "data": data
        if data is not None
        else {"customer_id": f"cus_{external_id}", "email": "jane.doe@example.com"},
    }
    event.update(header)
    return event


class ScriptedHandler:
    """A handler whose outcome per external event id is scripted by the test.

    ``script[external_id]`` is a list of outcomes consumed one per call:
    ``"ok"``, ``"transient"``, ``"dependency"``, ``"validation"``,
    ``("mapping", kind, key)``. The default is ``"ok"``.
    """

    def __init__(self):
        self.script = {}
        self.calls = []
        self._lock = threading.Lock()

    def __call__(self, env, event, message):
        with self._lock:
            self.calls.append(message["id"])
            steps = self.script.get(message["id"]) or ["ok"]
            step = steps.pop(0) if len(steps) > 1 else steps[0]
        if step == "transient":
            raise TransientError("database busy")
        if step == "dependency":
            raise DependencyError("referenced object not there yet")
        if step == "validation":
            raise EventValidationError("total does not match lines")
        if isinstance(step, tuple) and step[0] == "mapping":
            env["saas.mapping"].resolve(event.system_id, step[1], step[2])
            return None
        partner = env["res.partner"].create({"name": message["data"]["customer_id"]})
        event._log_record(partner, "create")
        return None


@contextlib.contextmanager
def handler_for(registry, event_type, func, kinds=("generic",)):
    """Route ``event_type`` (from systems of ``kinds``) to ``func(env, event,
    message)`` while the block runs, in every thread of this registry, one
    event at a time (an installed batch handler of the type is set aside)."""
    handler_class = registry["saas.handler"]
    original = handler_class._find_handler
    original_batch = handler_class._find_batch_handler

    def _find_handler(model, kind, etype):
        if etype == event_type and kind in kinds:
            return lambda event, message: func(model.env, event, message)
        return original(model, kind, etype)

    def _find_batch_handler(model, kind, etype, message):
        if etype == event_type and kind in kinds:
            return None
        return original_batch(model, kind, etype, message)

    with (
        patch.object(handler_class, "_find_handler", _find_handler),
        patch.object(handler_class, "_find_batch_handler", _find_batch_handler),
    ):
        yield func


@contextlib.contextmanager
def scripted_handler(registry, event_type=TEST_TYPE, kinds=("generic",)):
    with handler_for(registry, event_type, ScriptedHandler(), kinds) as handler:
        yield handler


def sandbox_system(env, **values):
    """A connected system of the sandbox, the database being a sandbox too."""
    env["ir.config_parameter"].sudo().set_param("saas_sync.environment", "sandbox")
    return env["saas.system"].create({"environment": "sandbox", **values})


class WebhookPoster:
    """Mixin for HttpCase classes that POST a platform's webhooks to
    ``self.url`` for ``self.system``."""

    def post_webhook(self, payload, headers=None, url=None):
        """POST ``payload`` (JSON) with ``headers``; a header whose value is
        None is not sent."""
        sent = {"Content-Type": "application/json"}
        sent.update({name: value for name, value in (headers or {}).items() if value is not None})
        return self.url_open(url or self.url, data=payload, headers=sent)

    def stored(self):
        """The events stored for the system."""
        return self.env["saas.event"].search([("system_id", "=", self.system.id)])


class SaasSyncCommon:
    """Mixin for TransactionCase/HttpCase classes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.system = cls.env["saas.system"].create(
            {
                "name": "Test billing",
                "code": "test-billing",
                "kind": "generic",
                "environment": "sandbox",
                "company_id": cls.company.id,
            }
        )
        cls.api_key = cls.system.generate_api_key("tests")
        cls.env["ir.config_parameter"].sudo().set_param("saas_sync.environment", "sandbox")
        cls.support_user = new_test_user(
            cls.env, login="saas_support", groups="base.group_user,saas_sync.group_saas_support"
        )
        cls.reviewer_user = new_test_user(
            cls.env,
            login="saas_reviewer",
            groups="base.group_user,saas_sync.group_saas_reviewer",
        )

    def store(self, event, system=None):
        system = system or self.system
        [(record, _created)] = self.env["saas.event"]._receive_canonical(system, event)
        return record

    def process(self, **kwargs):
        kwargs.setdefault("system_ids", self.system.ids)
        return self.env["saas.event"].process_pending(**kwargs)

    def make_due(self, events):
        events.write({"next_attempt_at": "2000-01-01 00:00:00"})


class RpcRow(NamedTuple):
    """One line of an access table: ``model.method(*args)`` as JSON-RPC calls it.

    ``args`` is a callable (the test case) -> list, so rows can name records
    made in ``setUpClass``; for a method on records the first item is the list
    of ids. Every user of ``refused`` gets an AccessError; ``allowed`` passes the
    check: the call returns, or raises ``expect`` (an exception class, or a
    pair (class, regex) that its message matches) -- what the method says once
    past the check, such as a missing API key."""

    model: str
    method: str
    args: object
    refused: tuple
    allowed: object = None
    expect: object = None


class _RolledBack(Exception):
    pass


class RpcAccessCase:
    """Mixin for TransactionCase classes: call public methods exactly as
    ``/web/dataset/call_kw`` does (``get_public_method`` then ``api.call_kw``)
    as a given user, each call in a savepoint rolled back afterwards."""

    ROLE_GROUPS = {
        "user": "base.group_user",
        "accountant": "base.group_user,account.group_account_invoice",
        "support": "base.group_user,saas_sync.group_saas_support",
        "reviewer": "base.group_user,saas_sync.group_saas_reviewer",
        "admin": "base.group_user,saas_sync.group_saas_admin",
    }

    @classmethod
    def make_roles(cls, prefix, roles=("user", "support", "reviewer", "admin"), other=()):
        """One user per role (``cls.<role>``, login ``<prefix>_<role>``) in the
        current company, and for each role of ``other`` one in a new company
        (``cls.<role>_b``) who may do the same there, not here."""
        for role in roles:
            setattr(cls, role, cls.make_user(f"{prefix}_{role}", cls.ROLE_GROUPS[role]))
        if other:
            company_b = cls.env["res.company"].create({"name": f"{prefix} company B"})
            for role in other:
                user = cls.make_user(f"{prefix}_{role}_b", cls.ROLE_GROUPS[role], company_b)
                setattr(cls, f"{role}_b", user)

    @classmethod
    def make_user(cls, login, groups, company=None):
        company = company or cls.env.company
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )

    def rpc(self, user, model, method, *args, **kwargs):
        """Call ``method`` as ``user``; the database is left as it was."""
        Model = (
            self.env[model].with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
        )
        try:
            with self.env.cr.savepoint():
                get_public_method(Model, method)
                result = call_kw(Model, method, list(args), kwargs)
                raise _RolledBack(result)
        except _RolledBack as done:
            return done.args[0]

    def assertRpcRefused(self, user, model, method, *args, **kwargs):
        with self.assertRaises(AccessError, msg=f"{user.login}: {model}.{method}"):
            self.rpc(user, model, method, *args, **kwargs)

    def admin_rows(self, model, methods, args, expect=None):
        """Rows of actions for the administrators of the records' company:
        refused to ``user``, ``support``, ``reviewer`` and ``admin_b`` (the
        users :meth:`make_roles` made), allowed to ``admin``."""
        low = (self.user, self.support, self.reviewer, self.admin_b)
        return [RpcRow(model, method, args, low, self.admin, expect) for method in methods]

    def assertRpcTable(self, rows):
        """Check every row of an access table (see :class:`RpcRow`)."""
        for row in rows:
            with self.subTest(model=row.model, method=row.method):
                args = row.args(self)
                for user in row.refused:
                    self.assertRpcRefused(user, row.model, row.method, *args)
                if row.allowed is None:
                    continue
                expect = row.expect
                if expect is None:
                    self.rpc(row.allowed, row.model, row.method, *args)
                    continue
                error, pattern = expect if isinstance(expect, tuple) else (expect, "")
                self.assertFalse(issubclass(error, AccessError), "allowed means past the check")
                with self.assertRaisesRegex(error, pattern, msg=row.allowed.login):
                    self.rpc(row.allowed, row.model, row.method, *args)


__all__ = [
    "MappingError",
    "RpcAccessCase",
    "RpcRow",
    "SaasSyncCommon",
    "WebhookPoster",
    "canonical_event",
    "handler_for",
    "sandbox_system",
    "scripted_handler",
]
