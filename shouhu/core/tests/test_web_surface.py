"""The web surface: a Content Security Policy with no inline script or style and no framing,
no-store on pages with children's data, and the deploy checks under production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
# Rendered by WeasyPrint into a PDF, never served to a browser as a page: those named
# `*_pdf.html`, and the contact card, which predates the convention.
PDF_TEMPLATES = {"registry/templates/registry/contact_card.html"}
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"\shx-on", re.I), "hx-on handler (evaluated as script)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def templates() -> list[Path]:
    return sorted(p for p in (ROOT / "shouhu").glob("*/templates/**/*.html"))


def test_there_are_templates_to_check():
    assert len(templates()) > 20


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT / "shouhu")))
def test_no_template_has_inline_script_or_style(path):
    if path.name.endswith("_pdf.html") or str(path.relative_to(ROOT / "shouhu")) in PDF_TEMPLATES:
        pytest.skip("a PDF template, never served as a page")
    text = path.read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{path.name}: {found}"


def test_htmx_is_local_and_may_not_inject_its_indicator_style():
    base = (ROOT / "shouhu/core/templates/base.html").read_text()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false}\'>' in base
    sources = re.findall(r'(?:src|href)="([^"]+)"', base)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {p.split()[0]: p.split(" ", 1)[1] for p in header.split("; ")}


@pytest.mark.django_db
def test_every_page_has_a_strict_content_security_policy(client, head_teacher, world):
    client.force_login(head_teacher)
    for url in (
        reverse("accounts:login"),
        reverse("registry:child-list"),
        reverse("registry:child-detail", kwargs={"public_id": world.child_a.public_id}),
        reverse("accounts:security"),
    ):
        directives = policy(client.get(url))
        assert directives["frame-ancestors"] == "'none'"
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert "unsafe" not in " ".join(directives.values())


@pytest.mark.django_db
def test_pages_with_child_data_are_never_stored(client, head_teacher, world):
    client.force_login(head_teacher)
    child = world.child_a.public_id
    for url in (
        reverse("registry:child-list"),
        reverse("registry:child-detail", kwargs={"public_id": child}),
        reverse("registry:contact-card", kwargs={"public_id": child}),
        reverse("care:child-care", kwargs={"public_id": child}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_privacy_pages_and_reports_are_never_stored(client, privacy_officer, world):
    client.force_login(privacy_officer)
    for url in (reverse("audit:access-log"), reverse("audit:report")):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_check_deploy_passes_under_production_settings(tmp_path):
    """`manage.py check --deploy --fail-level WARNING` with SHOUHU_DEBUG=0 and real-looking keys."""
    key_file = tmp_path / "field.key"
    key_file.write_text(Fernet.generate_key().decode())
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SHOUHU_")},
        "SHOUHU_DEBUG": "0",
        "SHOUHU_SECRET_KEY": "x7#Qp2!v" * 8,
        "SHOUHU_FIELD_KEY_FILE": str(key_file),
        "SHOUHU_ALLOWED_HOSTS": "shouhu.example.cn",
        "SHOUHU_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "shouhu.settings",
    }
    done = subprocess.run(
        [sys.executable, "-m", "shouhu.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_the_development_field_key(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SHOUHU_")},
        "SHOUHU_DEBUG": "0",
        "SHOUHU_SECRET_KEY": "x7#Qp2!v" * 8,
        "SHOUHU_FIELD_KEY": str(settings.FIELD_KEY),
        "SHOUHU_ALLOWED_HOSTS": "shouhu.example.cn",
    }
    done = subprocess.run(
        [sys.executable, "-m", "shouhu.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert "development keys" in done.stderr
