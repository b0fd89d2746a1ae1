# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS Integration Core",
    "summary": "Event inbox, processing engine, bindings and mappings for "
    "subscription billing integrations",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/saas-finance/odoo-saas-finance",
    "author": "SaaS Finance contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["saas-finance"],
    "application": True,
    "installable": True,
    "depends": ["base", "mail", "web"],
    "data": [
        "security/saas_sync_security.xml",
        "security/ir.model.access.csv",
        "security/saas_sync_rules.xml",
        "data/ir_config_parameter.xml",
        "data/ir_cron.xml",
        "data/mail_activity_type.xml",
        "wizards/saas_api_key_show_views.xml",
        "wizards/saas_event_replay_views.xml",
        "wizards/saas_event_ignore_views.xml",
        "views/saas_event_views.xml",
        "views/saas_system_views.xml",
        "views/saas_mapping_views.xml",
        "views/saas_binding_views.xml",
        "views/res_config_settings_views.xml",
        "views/saas_dashboard_views.xml",
        "views/saas_menus.xml",
    ],
    "demo": ["demo/saas_sync_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "saas_sync/static/src/dashboard/**/*",
        ],
        "web.assets_tests": [
            "saas_sync/static/src/tours/**/*",
        ],
    },
}
