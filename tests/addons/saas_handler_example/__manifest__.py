# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SaaS handler example (tests only)",
    "summary": "Shows how a customer's addon adjusts an event handler with _inherit and super()",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "license": "LGPL-3",
    "author": "SaaS Finance contributors",
    "depends": ["saas_subscription"],
    "installable": True,
}
