# Never installed: on an Odoo tree without `mrp`, this manifest creates the
# module category "Manufacturing/Manufacturing" that Odoo's base data refers to (see ../README.md).
{
    "name": "Category stub (Manufacturing/Manufacturing)",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Manufacturing",
    "license": "LGPL-3",
    "author": "SaaS Finance Suite",
    "installable": False,
}
