"""Form fields every app shares, so that no view reads a parameter by hand (issue 12.9).

- `DateField`: a date between 1900 and 2100. 9999-12-31 is a valid date to Python, but a
  week after it is not, and a page that adds days to it fails.
- `IdListField`: ticked row ids (`keep_class=3&keep_class=7`); anything but whole numbers the
  database can hold is a form error, not a crash.
- `IdField`: one such id.
- `NameField`: a person's name, cleaned of spoofing characters (`core.text.clean_name`).
- `PageForm` / `page_number` / `paginate`: the `?page=` of every list.
- `form_errors_add`: a service's `ValidationError` copied onto the form that sent the data.
- `LongSelect`: a select of hundreds of options (a county's classes), written without a
  template per option.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from shouhu.core.text import clean_name

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# The largest id both SQLite and PostgreSQL (bigint) hold.
MAX_ID = 2**63 - 1


class LongSelect(forms.Select):
    """Django's Select renders one template per option (about 0.2 ms each: 150 ms for a
    county's 800 classes); this one writes the same markup in one pass."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        final = {**self.build_attrs(self.attrs, attrs), "name": name}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                ("" if v is None else str(v), " selected" if str(v) in chosen else "", label)
                for v, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own name
        super().__init__(attrs=attrs, format=format)


class DateField(forms.DateField):
    """A date between 1900-01-01 and 2100-12-31."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("请输入有效的日期，如 2026-09-01。"),
        "out_of_range": _("日期应在1900年至2100年之间。"),
    }

    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")


def parse_id(value) -> int | None:
    """A row id typed or posted: ASCII digits only ("²" and "٣" are digits to Python but not
    to int() or the database), at most MAX_ID. Anything else is None."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdField(forms.Field):
    """One row id, as an int."""

    default_error_messages = {"invalid": _("选择无效。")}

    def to_python(self, value) -> int | None:
        if value in self.empty_values or not str(value).strip():
            return None
        number = parse_id(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdListField(forms.Field):
    """Ticked row ids, as a set of ints."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("选择无效。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> set[int]:
        if not value:
            return set()
        values = value if isinstance(value, (list, tuple)) else [value]
        if len(values) > 10_000:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        ids = {parse_id(v) for v in values}
        if None in ids:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids  # type: ignore[return-value]


class NameField(forms.CharField):
    """A person's name, cleaned by `core.text.clean_name` (no direction overrides, no
    zero-width characters) before its length and required checks."""

    def to_python(self, value):
        return clean_name(super().to_python(value))


class PageForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)


def page_number(request) -> int:
    """The `?page=` of a list; a page that is not a number is the first."""
    form = PageForm(request.GET)
    number = form.cleaned_data.get("page") if form.is_valid() else None
    return number or 1


def paginate(request, items, *, per_page: int = 50) -> Page:
    """The `?page=` of a list; a page that is not a number is the first, one past the end the
    last (Paginator.get_page)."""
    return Paginator(items, per_page=per_page).get_page(page_number(request))


def form_errors_add(form: forms.BaseForm, error: ValidationError) -> None:
    """Copy a service's refusal onto the form: a message keyed by one of the form's fields goes
    beside that field, any other message (and a refusal of the whole request) above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        form.add_error(key if key in form.fields else None, messages)
