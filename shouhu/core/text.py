"""Text typed by people: names without spoofing characters, reasons that say something, and
length caps with Chinese messages (issue 12.10, 12.12).

- `strip_invisible`: a right-to-left override (U+202E) makes 王小明 print as 明小王 on one
  screen and not another; a zero-width space makes two names that look equal differ, so a
  duplicate slips past the register's checks. Format and control characters, and the fillers
  that draw as blanks, are dropped from every name and phone number.
- `clean_name`: a name as the register keeps it (invisible characters dropped, NFC, spaces
  collapsed). Every form, service and the census import's row cleaning call it.
- `reason_check`: the reason typed to reveal a masked field must say something.
- `length_cap`: the validator of a text field's maximum, with a Chinese message.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Letters that draw as nothing: Hangul fillers, the braille blank, the combining grapheme joiner.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u034f"}
# Categories dropped: format (Cf: bidi controls, zero-width joiners, BOM, soft hyphen), control
# (Cc: NUL, tabs, newlines; a name or phone has none), line and paragraph separators.
_DROPPED_CATEGORIES = {"Cf", "Cc", "Zl", "Zp"}
_SPACES = re.compile(r"\s+")


def strip_invisible(text: str) -> str:
    """`text` without format, control and blank-drawing characters."""
    text = str(text)
    # Most text has none: `isprintable` is False for every "Other" (Cc, Cf …) and "Separator"
    # (Zl, Zp …) character but the ASCII space, so a printable text keeps every character.
    if text.isprintable() and _BLANK_LETTERS.isdisjoint(text):
        return text
    return "".join(
        ch
        for ch in text
        if unicodedata.category(ch) not in _DROPPED_CATEGORIES and ch not in _BLANK_LETTERS
    )


def clean_name(text: str | None) -> str:
    """A person's name as it is stored: invisible characters dropped, composed (NFC), every run
    of spaces one ASCII space, trimmed. 王\u202e小明 becomes 王小明."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", strip_invisible(text))
    return _SPACES.sub(" ", text).strip()


# --- reasons -----------------------------------------------------------------------------------

REASON_MIN_CHINESE = 4
REASON_MIN_CHARACTERS = 10
REASON_MAX_LENGTH = 200


def _is_chinese(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def reason_check(text: str) -> str:
    """The reason cleaned, or a ValidationError in Chinese.

    A reason says something: at least 4 Chinese characters or at least 10 characters, and not
    one character repeated (啊啊啊啊, ..........). Spaces and punctuation do not count."""
    reason = clean_name(text)
    telling = [ch for ch in reason if ch.isalnum()]
    chinese = sum(1 for ch in telling if _is_chinese(ch))
    if chinese < REASON_MIN_CHINESE and len(telling) < REASON_MIN_CHARACTERS:
        raise ValidationError(
            _("请写明查看理由：至少%(zh)d个汉字，或至少%(n)d个字符。")
            % {"zh": REASON_MIN_CHINESE, "n": REASON_MIN_CHARACTERS},
            code="reason_short",
        )
    if len(set(telling)) < 2:
        raise ValidationError(
            _("查看理由不能只是同一个字重复，请写明为什么要查看。"), code="reason_repeated"
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("理由最多%(n)d个字。") % {"n": REASON_MAX_LENGTH}, code="reason_long"
        )
    return reason


# --- length caps -------------------------------------------------------------------------------


@deconstructible
class LengthCap(MaxLengthValidator):
    """A text field's maximum, in characters, with a message in Chinese."""

    message = gettext_lazy("最多%(limit_value)d个字（当前%(show_value)d个）。")


def length_cap(limit: int) -> LengthCap:
    return LengthCap(limit)
