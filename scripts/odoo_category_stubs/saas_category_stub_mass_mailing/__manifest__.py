# Never installed: on an Odoo tree without `mass_mailing`, this manifest creates the
# module category "Marketing/Email Marketing" that Odoo's base data refers to (see ../README.md).
{
    "name": "Category stub (Marketing/Email Marketing)",
    "version": "18.0.1.0.0",
    "category": "Marketing/Email Marketing",
    "license": "LGPL-3",
    "author": "SaaS Finance Suite",
    "installable": False,
}
