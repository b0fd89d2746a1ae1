# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS Chargebee Connector",
    "summary": "Chargebee as a connected system: Basic-auth webhooks translated to canonical "
    "subscription and billing events, current state read through the Chargebee SDK",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/saas-finance/odoo-saas-finance",
    "author": "SaaS Finance contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["saas-finance"],
    "installable": True,
    "depends": ["saas_subscription"],
    "external_dependencies": {"python": ["chargebee"]},
    "data": [
        "security/ir.model.access.csv",
        "security/saas_chargebee_rules.xml",
        "data/ir_cron.xml",
        "views/saas_system_views.xml",
        "wizards/chargebee_backfill_views.xml",
    ],
    "demo": ["demo/saas_chargebee_demo.xml"],
}
