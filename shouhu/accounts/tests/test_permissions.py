"""Every URL × every role: the status a user gets. A forbidden role is a 403, a row outside the
scope is a 404, and a URL missing from the table fails the suite."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

CAST = [
    "anonymous",
    "admin",
    "region_officer",
    "township_officer",
    "school_leader",
    "head_teacher",
    "teacher",
    "counsellor",
    "volunteer",
    "privacy_officer",
    "other_head_teacher",
    "outsider",
]


def everyone(status: int, **exceptions: int) -> dict[str, int]:
    """Anonymous users are sent to the login page; the others get `status` unless excepted."""
    table = {role: status for role in CAST}
    table["anonymous"] = 302
    table.update(exceptions)
    return table


# (url name, reverse kwargs computed from the world, query string, method, expected status per role)
TABLE = [
    ("home", {}, "", "get", everyone(200)),
    ("accounts:login", {}, "", "get", everyone(302, anonymous=200)),
    ("accounts:logout", {}, "", "post", everyone(302)),
    ("registry:child-list", {}, "", "get", everyone(200, admin=403)),
    (
        "registry:child-create",
        {},
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=200, outsider=200),
    ),
    (
        "registry:child-detail",
        {"public_id": lambda w: w.child_a.public_id},
        "",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:child-detail",
        {"public_id": lambda w: w.child_a.public_id},
        "tab=history",
        "get",
        everyone(200, admin=403, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:child-edit",
        {"public_id": lambda w: w.child_a.public_id},
        "",
        "get",
        everyone(403, school_leader=200, head_teacher=200, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:contact-card",
        {"public_id": lambda w: w.child_a.public_id},
        "",
        "get",
        everyone(200, admin=403, privacy_officer=403, other_head_teacher=404, outsider=404),
    ),
    (
        "registry:class-contact-cards",
        {"class_id": lambda w: w.class_a.pk},
        "",
        "get",
        everyone(
            200,
            admin=403,
            privacy_officer=403,
            volunteer=404,
            other_head_teacher=404,
            outsider=404,
        ),
    ),
    ("reports:census", {}, "", "get", everyone(200, admin=403, volunteer=403)),
    (
        "reports:census",
        {},
        "scope=511781",
        "get",
        everyone(
            404,
            anonymous=302,
            admin=403,
            volunteer=403,
            region_officer=200,
            privacy_officer=200,
        ),
    ),
    ("org:list", {"kind": lambda w: "school"}, "", "get", everyone(403, admin=200)),
    ("org:create", {"kind": lambda w: "term"}, "", "get", everyone(403, admin=200)),
    (
        "org:edit",
        {"kind": lambda w: "school", "pk": lambda w: w.class_a.school_id},
        "",
        "get",
        everyone(403, admin=200),
    ),
]


def _url_names(resolver=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_permission_table():
    missing = _url_names() - {row[0] for row in TABLE}
    assert not missing, f"URLs without a row in the permission table: {sorted(missing)}"


CASES = [
    pytest.param(name, kwargs, query, method, role, expected, id=f"{name}?{query}-{role}")
    for name, kwargs, query, method, table in TABLE
    for role, expected in table.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "query", "method", "role", "expected"), CASES)
def test_permission_table(client, request, world, name, kwargs, query, method, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, kwargs={k: value(world) for k, value in kwargs.items()})
    response = getattr(client, method)(f"{url}?{query}" if query else url)
    assert response.status_code == expected
