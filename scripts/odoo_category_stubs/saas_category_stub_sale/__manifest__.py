# Never installed: on an Odoo tree without `sale`, this manifest creates the
# module category "Sales/Sales" that Odoo's base data refers to (see ../README.md).
{
    "name": "Category stub (Sales/Sales)",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "SaaS Finance Suite",
    "installable": False,
}
