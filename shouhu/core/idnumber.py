"""The 18-digit resident ID number (居民身份证号码, GB 11643): normalising and checking.

python-stdnum (`stdnum.cn.ric`) does the check digit, the birth date and the county code.
"""

import datetime
import functools
import unicodedata

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric


class IdNumberError(ValueError):
    """An ID number that cannot be accepted; the message is Chinese and shown to the user."""


def normalise_id_number(raw: str) -> str:
    """Full-width digits become ASCII (NFKC), `x` becomes `X`, spaces and dashes go."""
    text = str(raw)
    if text.isascii() and text.isalnum():
        return text.upper()  # already clean (an import's usual cell): NFKC leaves ASCII as is
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").upper()


def validate_id_number(raw: str, *, birth_date: datetime.date | None = None) -> str:
    """Return the normalised number, or raise IdNumberError with the reason in Chinese."""
    number = normalise_id_number(raw)
    if len(number) != 18:
        raise IdNumberError(_("身份证号应为18位，当前为%(n)d位。") % {"n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError(_("身份证号只能包含数字，最后一位可以是X。"))
    if number[17] != ric.calc_check_digit(number):
        raise IdNumberError(_("身份证号校验位不正确，请核对最后一位。"))
    try:
        embedded = birth_date_of(number)
    except stdnum_exceptions.ValidationError:
        raise IdNumberError(_("身份证号中的出生日期无效。")) from None
    if not _county_existed(number[:6], embedded.year):
        raise IdNumberError(_("身份证号前6位不是有效的行政区划代码。"))
    if embedded > datetime.date.today():
        raise IdNumberError(_("身份证号中的出生日期晚于今天。"))
    if birth_date is not None and embedded != birth_date:
        raise IdNumberError(
            _("身份证号中的出生日期（%(embedded)s）与填写的出生日期（%(given)s）不一致。")
            % {"embedded": embedded.isoformat(), "given": birth_date.isoformat()}
        )
    return number


@functools.lru_cache(maxsize=4096)
def _county_existed(county: str, year: int) -> bool:
    """python-stdnum's county table lookup, cached: an import checks thousands of numbers from
    the same few counties and years."""
    try:
        ric.get_birth_place(f"{county}{year:04d}0101000")
    except stdnum_exceptions.ValidationError:
        return False
    return True


def birth_date_of(number: str) -> datetime.date:
    """The birth date in digits 7–14, as python-stdnum reads it (`ric.get_birth_date`), read
    directly when the number is already normalised (stdnum's own cleaning costs more than the
    date): an import reads it for every row. A date that does not exist raises stdnum's
    InvalidComponent either way."""
    if len(number) == 18 and number[:14].isascii() and number[:14].isdigit():
        try:
            return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            raise stdnum_exceptions.InvalidComponent() from None
    return ric.get_birth_date(number)


def sex_of(number: str) -> str:
    """The 17th digit is odd for males and even for females."""
    return "male" if int(number[16]) % 2 else "female"


def make_id_number(*, county: str, birth_date: datetime.date, serial: int) -> str:
    """Build a valid number (for demo data and tests): county code, birth date, serial, check."""
    body = f"{county}{birth_date:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")
