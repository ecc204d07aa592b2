"""Thin views (issue 13, point 6): a view parses, calls a selector or a service, and renders.
It writes no access-log row (the `*_for` selectors log what they read), builds no permission
flag for a template (`may.<perm>` comes from `accounts.context_processors.permissions`), and
copies a service's refusal onto a form only through `core.forms.form_errors_add`."""

import re
from pathlib import Path

import shouhu

PACKAGE = Path(shouhu.__file__).parent

RULES = {
    "writes an access-log row": re.compile(
        r"\b(access_record|access_record_many|access_denied_record)\("
        r"|\bAccessLog\b"
    ),
    "builds a may_ context key": re.compile(r"""["']may_\w+["']"""),
    "copies a ValidationError by hand": re.compile(r"\.add_error\(\s*None,\s*\w+\.messages\b"),
}


def _views_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*views*.py"))
        if "tests" not in path.relative_to(PACKAGE).parts
    ]


def test_the_views_modules_are_found():
    names = {str(path.relative_to(PACKAGE)) for path in _views_modules()}
    assert {"registry/views.py", "care/views.py", "accounts/manage_views.py"} <= names


def test_no_view_logs_access_builds_a_may_flag_or_copies_a_validation_error():
    found = [
        f"{path.relative_to(PACKAGE)}:{n} {what}: {line.strip()}"
        for path in _views_modules()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for what, pattern in RULES.items()
        if pattern.search(line)
    ]
    assert found == []
