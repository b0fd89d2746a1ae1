# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS Metrics: Deferred Revenue",
    "summary": "The deferred revenue balance of saas_revenue in the SaaS executive report",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/saas-finance/odoo-saas-finance",
    "author": "SaaS Finance contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["saas-finance"],
    "application": False,
    "installable": True,
    "auto_install": True,
    "depends": ["saas_metrics", "saas_revenue"],
}
