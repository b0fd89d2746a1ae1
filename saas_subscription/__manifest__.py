# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS Subscriptions and Billing Documents",
    "summary": "Canonical subscriptions, MRR movement ledger, customers, invoices, "
    "credit notes, payments and refunds from subscription events",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/saas-finance/odoo-saas-finance",
    "author": "SaaS Finance contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["saas-finance"],
    "application": False,
    "installable": True,
    "depends": ["saas_sync", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/saas_subscription_rules.xml",
        "data/ir_cron.xml",
        "wizards/saas_partner_dedup_views.xml",
        "views/saas_system_views.xml",
        "views/saas_subscription_views.xml",
        "views/saas_mrr_movement_views.xml",
        "views/saas_bundle_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/saas_subscription_menus.xml",
    ],
    "demo": ["demo/saas_subscription_demo.xml"],
    "assets": {
        "web.assets_tests": ["saas_subscription/static/src/tours/**/*"],
    },
}
