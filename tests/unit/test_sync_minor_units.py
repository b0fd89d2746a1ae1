# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The minor-unit helpers the adapters read platform amounts with."""

from odoo.addons.saas_sync.lib.minor_units import exponent, to_major

ZERO = frozenset({"jpy"})
THREE = frozenset({"kwd"})


def test_exponent_follows_the_platform_lists_in_any_case():
    assert exponent("JPY", ZERO, THREE) == 0
    assert exponent("kwd", ZERO, THREE) == 3
    assert exponent("eur", ZERO, THREE) == 2
    assert exponent(None, ZERO, THREE) == 2
    # A currency the platform does not list as zero-decimal has two digits.
    assert exponent("isk", ZERO, THREE) == 2


def test_to_major_is_exact_and_keeps_sub_unit_precision():
    assert to_major(1250, 2) == "12.50"
    assert to_major(500, 0) == "500"
    assert to_major(1, 3) == "0.001"
    assert to_major("1999.5", 2) == "19.995"
    assert to_major(-700, 2) == "-7.00"
    assert to_major(None, 2) is None
