"""Mainland China phone numbers: mobiles (11 digits, 1[3-9]…) and landlines (0 + area code)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shouhu.core.text import strip_invisible

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalise_phone(raw: str) -> str:
    """Drop invisible characters (direction overrides, zero-width spaces: `strip_invisible`),
    +86, spaces, dashes and brackets between area code and number."""
    text = unicodedata.normalize("NFKC", strip_invisible(str(raw))).strip()
    text = re.sub(r"[\s()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    digits = text.replace("-", "")
    return digits


def validate_phone(raw: str) -> str:
    """Return the normalised phone or raise ValidationError in Chinese."""
    phone = normalise_phone(raw)
    if not phone.isdigit():
        raise ValidationError(_("电话号码只能包含数字。"), code="phone")
    if phone.startswith("1"):
        if not MOBILE.match(phone):
            raise ValidationError(
                _("手机号应为11位，以13–19开头，当前为%(n)d位。") % {"n": len(phone)},
                code="mobile",
            )
        return phone
    if phone.startswith("0") and 10 <= len(phone) <= 12:
        return phone
    raise ValidationError(
        _("请输入11位手机号，或带区号的固定电话（如0818-8621234）。"), code="phone"
    )
