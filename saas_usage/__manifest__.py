# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS Usage",
    "summary": "Usage-based billing inputs: meters, usage records through a bulk API, "
    "exact rating (per unit, package, volume, graduated, stairstep) and month aggregates",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/saas-finance/odoo-saas-finance",
    "author": "SaaS Finance contributors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "maintainers": ["saas-finance"],
    "application": False,
    "installable": True,
    "depends": ["saas_subscription"],
    "data": [
        "security/ir.model.access.csv",
        "security/saas_usage_rules.xml",
        "views/saas_usage_meter_views.xml",
        "views/saas_usage_record_views.xml",
        "views/saas_usage_menus.xml",
    ],
    "demo": ["demo/saas_usage_demo.xml"],
}
