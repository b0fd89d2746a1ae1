# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS Salesforce Connector",
    "summary": "Salesforce as a connected system: Outbound Messages and REST pull of "
    "Accounts and Opportunities, customer master data, booked deals and revenue leakage",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/saas-finance/odoo-saas-finance",
    "author": "SaaS Finance contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["saas-finance"],
    "installable": True,
    "depends": ["saas_subscription"],
    "external_dependencies": {"python": ["requests", "lxml"]},
    "data": [
        "security/ir.model.access.csv",
        "security/saas_salesforce_rules.xml",
        "data/ir_cron.xml",
        "data/ir_config_parameter.xml",
        "wizards/saas_salesforce_endpoint_show_views.xml",
        "views/saas_booked_deal_views.xml",
        "views/saas_system_views.xml",
        "views/saas_booking_mrr_report_views.xml",
        "views/saas_subscription_views.xml",
        "views/res_config_settings_views.xml",
        "views/saas_salesforce_menus.xml",
    ],
}
