# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS Stripe Connector",
    "summary": "Stripe as a connected system: signed webhooks translated to canonical "
    "subscription and billing events",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/saas-finance/odoo-saas-finance",
    "author": "SaaS Finance contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["saas-finance"],
    "installable": True,
    "depends": ["saas_subscription"],
    "external_dependencies": {"python": ["stripe"]},
    "data": [
        "security/ir.model.access.csv",
        "security/stripe_payout_rules.xml",
        "data/ir_config_parameter.xml",
        "data/ir_cron.xml",
        "views/saas_system_views.xml",
        "data/ir_cron_payout.xml",
        "views/stripe_payout_views.xml",
        "wizards/stripe_backfill_views.xml",
    ],
    "demo": ["demo/saas_stripe_demo.xml"],
}
