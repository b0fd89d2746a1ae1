# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS Metrics and Executive Report",
    "summary": "MRR/ARR bridge, churn, retention, cohorts, collections, 13-week cash "
    "forecast and the executive PDF, from the MRR movement ledger",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/saas-finance/odoo-saas-finance",
    "author": "SaaS Finance contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["saas-finance"],
    "application": False,
    "installable": True,
    "depends": ["saas_subscription"],
    "data": [
        "security/ir.model.access.csv",
        "security/saas_metrics_rules.xml",
        "data/ir_cron.xml",
        "report/saas_executive_report.xml",
        "wizards/saas_executive_report_wizard_views.xml",
        "views/saas_mrr_snapshot_views.xml",
        "views/saas_mrr_movement_views.xml",
        "views/saas_subscription_views.xml",
        "views/saas_receivable_aging_views.xml",
        "views/saas_cash_forecast_views.xml",
        "views/saas_metrics_dashboard_views.xml",
        "views/saas_metrics_menus.xml",
    ],
    "assets": {
        "web.assets_backend": ["saas_metrics/static/src/dashboard/**/*"],
        "web.assets_tests": ["saas_metrics/static/src/tours/**/*"],
    },
}
