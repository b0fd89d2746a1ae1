# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Normalized keys used to find the same customer twice."""

import re

NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def normalize_email(email):
    """Lower-cased address without surrounding spaces or display name."""
    if not email:
        return False
    text = str(email).strip()
    match = re.search(r"<([^>]+)>", text)
    if match:
        text = match.group(1)
    return text.strip().lower() or False


def normalize_vat(vat):
    """VAT number without spaces, dots or dashes, upper-cased (BE 0477.472.701 ->
    BE0477472701)."""
    if not vat:
        return False
    return NON_ALNUM.sub("", str(vat)).upper() or False
