# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS suite: every door as each role (tests only)",
    "summary": "Opens every menu and form button of the suite through the web client's "
    "JSON-RPC calls, as each role, in a single-company and a multi-company database",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "license": "LGPL-3",
    "author": "SaaS Finance contributors",
    "depends": [
        "saas_sync",
        "saas_subscription",
        "saas_revenue",
        "saas_metrics",
        "saas_metrics_revenue",
        "saas_stripe",
        "saas_chargebee",
        "saas_salesforce",
        "saas_usage",
    ],
    "installable": True,
}
