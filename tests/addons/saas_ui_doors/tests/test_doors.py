# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The test of every door.

For each role, log in over HTTP and do what the web client does: load the
menus, then for every menu of the suite load its action and open it with the
browser's own JSON-RPC calls (``get_views``, ``web_search_read``,
``read_group`` for pivots and graphs, ``onchange`` of a new record when the
form lets the role create, ``web_read`` of the first record, the dashboard
calls of client actions, ``/web/action/run`` for server actions), then press
every ``type="object"`` button the role sees on the first record that shows
it (each press rolled back), and load the action of every ``type="action"``
button. Any access error, server traceback or selection field of a new
record that offers nothing where the user's company would offer something
fails the test with the list of (role, menu, call, error). The menus each
role gets are compared with what it must get.

Run once as in a single-company database (every user in one company), once
with a second company (every user allowed in both, the second one not
active)."""

import json
import logging
from contextlib import contextmanager
from datetime import date

from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil, safe_eval
from odoo.tools.safe_eval import time as safe_time

_logger = logging.getLogger(__name__)

PASSWORD = "doors-of-the-suite-18"
ROOT_MENU = "saas_sync.menu_saas_root"

ROLES = {
    # an integration administrator who also administers Odoo (the demo's admin)
    "sysadmin": "base.group_user,base.group_system,saas_sync.group_saas_admin",
    "admin": "base.group_user,saas_sync.group_saas_admin",
    "reviewer": "base.group_user,saas_sync.group_saas_reviewer",
    "support": "base.group_user,saas_sync.group_saas_support",
    "billing": "base.group_user,account.group_account_invoice",
    "user": "base.group_user",
}

# Menus only integration administrators get.
ADMIN_MENUS = {
    "saas_sync.menu_saas_bindings",
    "saas_sync.menu_saas_settings",
    "saas_subscription.menu_saas_partner_dedup",
    "saas_stripe.menu_saas_stripe_backfill",
    "saas_chargebee.menu_saas_chargebee_backfill",
}
# Odoo's settings: for the administrators of Odoo itself (res.config.settings).
SETTINGS_MENUS = {"saas_sync.menu_saas_settings"}
# Menus for finance reviewers and administrators.
REVIEWER_MENUS = {
    "saas_revenue.menu_saas_revenue_batch_build",
    "saas_revenue.menu_saas_revenue_defer_past",
    "saas_sync.menu_saas_audit_verify",
}
# What an Accounting "Billing" user (account.group_account_invoice) reads:
# subscriptions and MRR, revenue schedules, metrics, collections (aging, cash
# forecast) and sales bookings; nothing of the integration itself.
BILLING_MENUS = {
    "saas_subscription.menu_saas_subscriptions",
    "saas_subscription.menu_saas_mrr_movements",
    "saas_revenue.menu_saas_revenue_schedules",
    "saas_metrics.menu_saas_metrics_dashboard",
    "saas_metrics.menu_saas_mrr_snapshot",
    "saas_metrics.menu_saas_mrr_bridge",
    "saas_metrics.menu_saas_mrr_asof",
    "saas_metrics.menu_saas_executive_report",
    "saas_metrics.menu_saas_receivable_aging",
    "saas_metrics.menu_saas_failed_payments",
    "saas_metrics.menu_saas_collection_activities",
    "saas_metrics.menu_saas_cash_forecast",
    "saas_salesforce.menu_saas_booked_deals",
    "saas_salesforce.menu_saas_booked_deal_leakage",
    "saas_salesforce.menu_saas_subscription_no_deal",
    "saas_salesforce.menu_saas_booking_mrr_report",
}
# The JSON-RPC calls each client action of the suite makes when it opens.
CLIENT_ACTION_CALLS = {
    "saas_sync.dashboard": [("saas.monitor", "get_dashboard_data")],
    "saas_metrics.dashboard": [
        ("saas.metrics", "get_dashboard_data"),
        ("saas.metrics", "get_dashboard_cohorts"),
    ],
}
# What a button may answer without being a broken door: the business
# refusals a user reads in a dialog.
USER_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.RedirectWarning",
}


class _RpcError(Exception):
    def __init__(self, name, message, debug=""):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
        self.debug = debug


def _ids(value):
    """A value of ``web_read`` as the view's expressions see it."""
    if isinstance(value, dict):
        return value.get("id")
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [item.get("id") for item in value]
    return value


def _literal_true(value):
    return (value or "").strip() in ("1", "True", "true")


@tagged("post_install", "-at_install")
class TestEveryDoor(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.users = {}
        for role, groups in ROLES.items():
            cls.users[role] = new_test_user(
                cls.env,
                login=f"door_{role}",
                password=PASSWORD,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                tz="UTC",
            )
        Menu = cls.env["ir.ui.menu"].with_context(**{"ir.ui.menu.full_list": True})
        root = cls.env.ref(ROOT_MENU)
        suite = Menu.search([("id", "child_of", root.id)])
        xmlids = suite.get_external_id()
        others = Menu.search([("id", "not in", suite.ids)])
        for menu_id, xmlid in others.get_external_id().items():
            if xmlid.startswith("saas_"):
                xmlids[menu_id] = xmlid
        cls.suite_menus = {xmlid: menu_id for menu_id, xmlid in xmlids.items()}
        cls.suite_action_menus = {
            xmlid for xmlid, menu_id in cls.suite_menus.items() if Menu.browse(menu_id).action
        }

    # ------------------------------------------------------------- the calls
    def _post(self, route, params):
        data = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 0, "params": params})
        response = self.url_open(
            route, data=data.encode(), headers={"Content-Type": "application/json"}
        )
        if response.status_code != 200:
            raise _RpcError(f"HTTP {response.status_code}", response.text[:300])
        body = response.json()
        if "error" in body:
            error = body["error"]
            data = error.get("data") or {}
            raise _RpcError(
                data.get("name") or "error",
                data.get("message") or error.get("message"),
                data.get("debug") or "",
            )
        return body.get("result")

    def _kw(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _door(self, call, func, *args, refusals_ok=False, **kwargs):
        """Run one call of the web client; note a broken door and return None."""
        self.calls += 1
        try:
            return func(*args, **kwargs)
        except _RpcError as error:
            if refusals_ok and error.name in USER_ERRORS:
                return None
            debug = error.debug.strip().splitlines()
            where = debug[-3:] if debug else []
            self.failures.append(
                f"[{self.role}/{self.setting}] {self.menu_path} :: {call}\n"
                f"    {error.name}: {error.message}" + "".join(f"\n      {line}" for line in where)
            )
            return None

    # -------------------------------------------------------------- helpers
    def _eval_context(self, values=None):
        today = date.today()
        context = {
            "uid": self.user.id,
            "user": self.user.id,
            "allowed_company_ids": [self.company.id],
            "current_company_id": self.company.id,
            "context_today": lambda: safe_datetime.date(today.year, today.month, today.day),
            "datetime": safe_datetime,
            "relativedelta": dateutil.relativedelta.relativedelta,
            "time": safe_time,
            "context": dict(self.context),
            "active_id": False,
            "active_ids": [],
            "active_model": False,
            "id": False,
            "parent": {},
        }
        context.update(values or {})
        return context

    def _eval(self, expression, values=None, default=None):
        """Evaluate a view or action expression as the web client would,
        unknown names being empty (as fields the client has no value for)."""
        if not isinstance(expression, str):
            return expression if expression is not None else default
        if not expression.strip():
            return default
        context = self._eval_context(values)
        for _attempt in range(10):
            try:
                return safe_eval(expression, context)
            except NameError as error:
                name = str(error).split("'")[1] if "'" in str(error) else None
                if not name or name in context:
                    return default
                context[name] = False
            except Exception:  # noqa: BLE001 - an expression the test cannot evaluate
                return default
        return default

    @staticmethod
    def _field_nodes(node):
        """The field nodes of a view, not those of its x2many subviews."""
        found = []
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "field":
                found.append(child)
            else:
                found.extend(TestEveryDoor._field_nodes(child))
        return found

    def _spec(self, node, model, models):
        fields = models.get(model, {}).get("fields", {})
        spec = {"display_name": {}} if "display_name" in fields else {}
        for field_node in self._field_nodes(node):
            name = field_node.get("name")
            info = fields.get(name)
            if not info:
                continue
            ftype = info.get("type")
            if ftype == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif ftype in ("one2many", "many2many"):
                subview = next((c for c in field_node if c.tag in ("list", "kanban", "form")), None)
                comodel = info.get("relation")
                if subview is not None and comodel in models:
                    spec[name] = {"fields": self._spec(subview, comodel, models)}
                else:
                    spec[name] = {"fields": {"display_name": {}}}
            else:
                spec.setdefault(name, {})
        return spec

    def _values(self, record):
        return {name: _ids(value) for name, value in (record or {}).items()}

    def _buttons(self, arch_node, records, model, action, kind):
        """Press every object button of a view that the role sees, on the
        first of ``records`` (a record or a page of them) that shows it."""
        records = records if isinstance(records, list) else [records]
        for button in arch_node.iter("button"):
            if button.get("type") not in ("object", "action") or not button.get("name"):
                continue
            if any(ancestor.tag == "field" for ancestor in button.iterancestors()):
                continue  # a button of an x2many's records, not of this one
            if button.get("type") == "action":
                self._action_button(button, model)
                continue
            record = next(
                (
                    rec
                    for rec in records
                    if not self._eval(button.get("invisible"), self._values(rec), default=False)
                ),
                None,
            )
            if record is None:
                continue
            values = self._values(record)
            if self._eval(button.get("column_invisible"), values, default=False):
                continue
            context = dict(self.context)
            context.update(self._eval(action.get("context"), values, default={}) or {})
            context.update(self._eval(button.get("context"), values, default={}) or {})
            method = button.get("name")
            self._door(
                f"{kind} button {model}.{method}()",
                self._press,
                model,
                method,
                record["id"],
                context,
                refusals_ok=True,
            )

    def _action_button(self, button, model):
        """An action button loads its action (and a window action its views)."""
        name = button.get("name")
        if name in self.loaded_actions:
            return
        self.loaded_actions.add(name)
        action = self._door(
            f"action button {model} -> /web/action/load({name})",
            self._post,
            "/web/action/load",
            {"action_id": int(name) if name.isdigit() else name, "context": self.context},
        )
        if action and action.get("type") == "ir.actions.act_window":
            views = [list(view) for view in action.get("views") or []]
            self._door(
                f"action button {model} -> {action['res_model']}.get_views",
                self._kw,
                action["res_model"],
                "get_views",
                views=views,
                options={"action_id": action["id"]},
            )

    def _press(self, model, method, record_id, context):
        """``/web/dataset/call_button`` as a click does, then what the web
        client opens from the window action it returns; rolled back."""
        with self._rolled_back():
            result = self._post(
                "/web/dataset/call_button",
                {
                    "model": model,
                    "method": method,
                    "args": [[record_id]],
                    "kwargs": {"context": context},
                },
            )
            if isinstance(result, dict) and result.get("type") == "ir.actions.act_window":
                self._follow(result, f"{model}.{method}()")
            return result

    def _follow(self, action, origin):
        """The window a button opened: its views and its first record."""
        model = action.get("res_model")
        views = [list(view) for view in action.get("views") or [[False, "form"]]]
        context = dict(self.context)
        context.update(self._eval(action.get("context"), default={}) or {})
        result = self._door(
            f"{origin} -> {model}.get_views",
            self._kw,
            model,
            "get_views",
            views=views,
            options={},
            context=context,
        )
        if not result:
            return
        vtype = "form" if action.get("res_id") else views[0][1]
        if vtype not in result["views"]:
            return
        arch = etree.fromstring(result["views"][vtype]["arch"])
        spec = self._spec(arch, model, result["models"])
        if action.get("res_id"):
            self._door(
                f"{origin} -> {model}.web_read",
                self._kw,
                model,
                "web_read",
                [action["res_id"]],
                specification=spec,
                context=context,
            )
        elif vtype in ("list", "kanban"):
            self._door(
                f"{origin} -> {model}.web_search_read",
                self._kw,
                model,
                "web_search_read",
                domain=self._eval(action.get("domain"), default=[]) or [],
                specification=spec,
                limit=80,
                context=context,
            )

    @contextmanager
    def _rolled_back(self):
        """What the calls inside write is undone (a savepoint of the test's
        cursor, which the HTTP requests of the test share)."""
        self.savepoints += 1
        name = f"door_{self.savepoints}"
        self.env.flush_all()
        self.env.cr.execute(f"SAVEPOINT {name}")
        try:
            yield
        finally:
            self.env.cr.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.env.invalidate_all()

    def _selections(self, arch, model, models, values):
        """A selection field of a new record must offer something whenever
        the same domain, with the record's company being the user's, would
        (a domain on a company the form hides or derives from the field)."""
        fields = models.get(model, {}).get("fields", {})
        evaluated = self._values(values)
        for field_node in self._field_nodes(arch):
            name = field_node.get("name")
            info = fields.get(name) or {}
            if info.get("type") != "many2one":
                continue
            if _literal_true(field_node.get("invisible")) or _literal_true(
                field_node.get("readonly")
            ):
                continue
            if self._eval(field_node.get("invisible"), evaluated, default=False):
                continue
            if info.get("readonly") and not field_node.get("readonly"):
                continue
            if self._eval(field_node.get("readonly"), evaluated, default=False):
                continue
            domain = self._eval(
                field_node.get("domain") or info.get("domain"), evaluated, default=[]
            )
            comodel = info["relation"]
            offered = self._door(
                f"{model}.{name} selection ({comodel}.name_search)",
                self._kw,
                comodel,
                "name_search",
                name="",
                args=domain or [],
                limit=8,
            )
            if offered is None or offered:
                continue
            # Nothing to offer may be the truth (no Stripe system yet); a
            # field that would offer something if the record's company were
            # the user's is a door the form keeps shut (a domain on a company
            # the form hides or derives from the field itself).
            with_company = dict(evaluated, company_id=self.company.id)
            domain_company = self._eval(
                field_node.get("domain") or info.get("domain"), with_company, default=[]
            )
            if domain_company == domain:
                continue
            offered = self._door(
                f"{model}.{name} selection ({comodel}.name_search)",
                self._kw,
                comodel,
                "name_search",
                name="",
                args=domain_company or [],
                limit=8,
            )
            if offered:
                self.failures.append(
                    f"[{self.role}/{self.setting}] {self.menu_path} :: {model}.{name}\n"
                    f"    empty selection: the field's domain {domain} offers no {comodel} "
                    f"on a new record, where the user's company would offer {len(offered)}"
                )

    # --------------------------------------------------------------- opening
    def _open_window_action(self, action):
        model = action["res_model"]
        values_context = self._eval(action.get("context"), default={}) or {}
        context = dict(self.context, **values_context)
        domain = self._eval(action.get("domain"), default=[]) or []
        views = [list(view) for view in action.get("views") or []]
        search_view = action.get("search_view_id")
        search_view = search_view[0] if isinstance(search_view, list) else search_view
        result = self._door(
            f"{model}.get_views",
            self._kw,
            model,
            "get_views",
            views=[*views, [search_view or False, "search"]],
            options={"action_id": action["id"], "load_filters": True, "toolbar": True},
            context=context,
        )
        if not result:
            return
        models = result["models"]
        arches = {vtype: etree.fromstring(view["arch"]) for vtype, view in result["views"].items()}
        first = None
        for vtype in ("list", "kanban"):
            if vtype not in arches:
                continue
            spec = self._spec(arches[vtype], model, models)
            page = self._door(
                f"{vtype}: {model}.web_search_read",
                self._kw,
                model,
                "web_search_read",
                domain=domain,
                specification=spec,
                offset=0,
                limit=80,
                count_limit=10001,
                context=context,
            )
            if page and page.get("records"):
                first = first or page["records"][0]
                if vtype == "list":
                    self._buttons(arches[vtype], page["records"], model, action, "list")
        for vtype in ("pivot", "graph"):
            if vtype not in arches:
                continue
            arch = arches[vtype]
            measures = [
                f"{node.get('name')}:sum"
                for node in arch.iter("field")
                if node.get("type") == "measure"
            ]
            groupby = [
                node.get("name") + (f":{node.get('interval')}" if node.get("interval") else "")
                for node in arch.iter("field")
                if node.get("type") in ("row", None) and node.get("type") != "measure"
            ][:1]
            self._door(
                f"{vtype}: {model}.read_group",
                self._kw,
                model,
                "read_group",
                domain=domain,
                fields=[*measures, "__count"],
                groupby=groupby,
                lazy=False,
                context=context,
            )
        form = arches.get("form")
        if form is None and "form" not in (action.get("view_mode") or ""):
            return
        if form is None:
            form_views = self._door(
                f"{model}.get_views (form)",
                self._kw,
                model,
                "get_views",
                views=[[False, "form"]],
                options={},
                context=context,
            )
            if not form_views:
                return
            models = form_views["models"]
            form = etree.fromstring(form_views["views"]["form"]["arch"])
        spec = self._spec(form, model, models)
        if form.get("create") not in ("false", "0", "False"):
            new = self._door(
                f"form (new): {model}.onchange",
                self._kw,
                model,
                "onchange",
                [],
                {},
                [],
                spec,
                context=context,
            )
            if new is not None:
                self._selections(form, model, models, new.get("value"))
                if action.get("target") == "new" and first is None:
                    self._press_wizard(
                        form, model, models, action, spec, new.get("value") or {}, context
                    )
        if first:
            read = self._door(
                f"form: {model}.web_read",
                self._kw,
                model,
                "web_read",
                [first["id"]],
                specification=spec,
                context=context,
            )
            if read:
                self._buttons(form, read[0], model, action, "form")

    def _press_wizard(self, form, model, models, action, spec, values, context):
        """A dialog: save what its onchange filled, then press its buttons."""
        fields = {k: v for k, v in values.items() if k != "id"}
        # the web client saves nothing while a required field is empty: the
        # user picks the first option of an empty required selection
        info = models.get(model, {}).get("fields", {})
        for node in self._field_nodes(form):
            name = node.get("name")
            field_info = info.get(name) or {}
            required = _literal_true(node.get("required")) or field_info.get("required")
            if not required or fields.get(name) not in (None, False, "", []):
                continue
            if field_info.get("type") != "many2one":
                return
            domain = self._eval(
                node.get("domain") or field_info.get("domain"), self._values(fields), default=[]
            )
            options = self._door(
                f"{model}.{name} selection ({field_info['relation']}.name_search)",
                self._kw,
                field_info["relation"],
                "name_search",
                name="",
                args=domain or [],
                limit=1,
            )
            if not options:
                return
            fields[name] = options[0][0]
        vals = {}
        for name, value in fields.items():
            if isinstance(value, dict):
                vals[name] = value.get("id")
            elif isinstance(value, list):
                continue
            else:
                vals[name] = value

        def save_and_press():
            with self._rolled_back():
                saved = self._post(
                    f"/web/dataset/call_kw/{model}/web_save",
                    {
                        "model": model,
                        "method": "web_save",
                        "args": [[], vals],
                        "kwargs": {"specification": spec, "context": context},
                    },
                )
                if saved:
                    self._buttons(form, saved[0], model, action, "dialog")

        self._door(f"dialog: {model}.web_save", save_and_press, refusals_ok=True)

    def _open_menu(self, menu):
        action_ref = menu.get("actionID")
        if not action_ref:
            return
        action = self._door(
            "/web/action/load",
            self._post,
            "/web/action/load",
            {"action_id": action_ref, "context": self.context},
        )
        if not action:
            return
        self._open_action(action)

    def _open_action(self, action):
        kind = action.get("type")
        if kind == "ir.actions.act_window":
            self._open_window_action(action)
        elif kind == "ir.actions.server":
            result = self._door(
                "/web/action/run",
                self._post,
                "/web/action/run",
                {"action_id": action["id"], "context": self.context},
            )
            if isinstance(result, dict) and result.get("type"):
                self._open_action(result)
        elif kind == "ir.actions.client":
            calls = CLIENT_ACTION_CALLS.get(action.get("tag"))
            if calls is None:
                self.failures.append(
                    f"[{self.role}/{self.setting}] {self.menu_path} :: client action "
                    f"{action.get('tag')}: unknown to the door test (add its calls)"
                )
                return
            for model, method in calls:
                self._door(f"client {action['tag']}: {model}.{method}", self._kw, model, method)

    # ----------------------------------------------------------------- runs
    def _visit_every_door(self, setting):
        self.failures = []
        self.calls = 0
        self.savepoints = 0
        self.setting = setting
        for role, user in self.users.items():
            self.role, self.user = role, user
            self.loaded_actions = set()
            self.context = {
                "lang": "en_US",
                "tz": "UTC",
                "uid": user.id,
                "allowed_company_ids": [self.company.id],
            }
            self.menu_path = "(load menus)"
            self.authenticate(user.login, PASSWORD)
            response = self.url_open("/web/webclient/load_menus/doors")
            self.assertEqual(response.status_code, 200, f"{role}: load_menus")
            menus = response.json()
            suite = {
                menu["xmlid"]: menu
                for menu in menus.values()
                if menu.get("xmlid") in self.suite_menus
            }
            # (an app's root carries the action of its first menu: not its own)
            seen = set(suite) & self.suite_action_menus
            expected = self._expected_menus(role)
            if seen != expected:
                self.failures.append(
                    f"[{role}/{setting}] menus: missing {sorted(expected - seen)}, "
                    f"not for this role {sorted(seen - expected)}"
                )
            parents = {
                str(child): menu for menu in menus.values() for child in menu.get("children", [])
            }
            for xmlid in sorted(seen):
                menu = suite[xmlid]
                path, parent = [menu["name"]], parents.get(str(menu["id"]))
                while parent and parent.get("id") != "root":
                    path.insert(0, parent["name"])
                    parent = parents.get(str(parent["id"]))
                self.menu_path = f"{xmlid} ({' / '.join(path)})"
                self._open_menu(menu)
        _logger.info(
            "Door test (%s): %d calls, %d roles, %d suite menus",
            setting,
            self.calls,
            len(self.users),
            len(self.suite_action_menus),
        )
        self.assertFalse(
            self.failures,
            f"{len(self.failures)} broken door(s):\n" + "\n".join(self.failures),
        )

    def _expected_menus(self, role):
        every = set(self.suite_action_menus)
        if role == "sysadmin":
            return every
        if role == "admin":
            return every - SETTINGS_MENUS
        if role == "reviewer":
            return every - ADMIN_MENUS
        if role == "support":
            return every - ADMIN_MENUS - REVIEWER_MENUS
        if role == "billing":
            return BILLING_MENUS & every
        return set()

    def test_every_door_single_company(self):
        """As in the demo's database: every user works in one company (the
        company fields are hidden from them). Other tests of the suite may
        have left companies in the database; the users know only this one."""
        for user in self.users.values():
            self.assertEqual(user.company_ids, self.company)
        self._visit_every_door("single company")

    def test_every_door_multi_company(self):
        other = self.env["res.company"].create({"name": "Doors second company"})
        for user in self.users.values():
            user.write({"company_ids": [Command.link(other.id)]})
        self._visit_every_door("multi-company")
