# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS Deferred Revenue",
    "summary": "Recognize subscription revenue over its service period: schedules, "
    "approved grouped batches posted by a cron, lock-date safe, with a tie-out control",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/saas-finance/odoo-saas-finance",
    "author": "SaaS Finance contributors",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": ["saas_subscription"],
    "data": [
        "security/ir.model.access.csv",
        "security/saas_revenue_rules.xml",
        "data/ir_cron.xml",
        "data/mail_activity_type.xml",
        "views/saas_revenue_schedule_views.xml",
        "views/saas_revenue_batch_views.xml",
        "views/saas_revenue_report_views.xml",
        "views/account_move_views.xml",
        "views/product_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/saas_revenue_batch_build_views.xml",
        "views/saas_revenue_menus.xml",
    ],
    "demo": ["demo/saas_revenue_demo.xml"],
    "assets": {
        "web.assets_backend": ["saas_revenue/static/src/dashboard/**/*"],
        "web.assets_tests": ["saas_revenue/static/src/tours/**/*"],
    },
}
