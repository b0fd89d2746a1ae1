# Never installed: on an Odoo tree without `stock`, this manifest creates the
# module category "Inventory/Inventory" that Odoo's base data refers to (see ../README.md).
{
    "name": "Category stub (Inventory/Inventory)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "SaaS Finance Suite",
    "installable": False,
}
