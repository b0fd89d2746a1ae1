# Never installed: on an Odoo tree without `project`, this manifest creates the
# module category "Services/Project" that Odoo's base data refers to (see ../README.md).
{
    "name": "Category stub (Services/Project)",
    "version": "18.0.1.0.0",
    "category": "Services/Project",
    "license": "LGPL-3",
    "author": "SaaS Finance Suite",
    "installable": False,
}
