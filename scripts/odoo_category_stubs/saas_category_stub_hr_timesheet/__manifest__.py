# Never installed: on an Odoo tree without `hr_timesheet`, this manifest creates the
# module category "Services/Timesheets" that Odoo's base data refers to (see ../README.md).
{
    "name": "Category stub (Services/Timesheets)",
    "version": "18.0.1.0.0",
    "category": "Services/Timesheets",
    "license": "LGPL-3",
    "author": "SaaS Finance Suite",
    "installable": False,
}
