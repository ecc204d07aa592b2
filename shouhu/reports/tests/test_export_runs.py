"""A region's workbook, summary and register export are made by the worker (issue 17): the page
queues them, shows the progress, and offers the file to the user who asked, for 24 hours."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouhu.files.models import Attachment
from shouhu.jobs.exporting import exports_expire
from shouhu.jobs.models import ExportRun, ExportStatus
from shouhu.testing.dates import term_code
from shouhu.testing.jobs import drain, export_followed

WORKBOOK = reverse("reports:workbook")
CURRENT = term_code("2026-2027-1")
COUNTY = {"scope": "511781", "term": CURRENT}


def _status(run: ExportRun) -> str:
    return reverse("jobs:export-status", kwargs={"public_id": run.public_id})


def _file(run: ExportRun) -> str:
    return reverse("jobs:export-file", kwargs={"public_id": run.public_id})


def test_a_county_workbook_is_queued_then_offered_when_ready(client, reported, region_officer):
    client.force_login(region_officer)
    response = client.get(WORKBOOK, COUNTY)
    run = ExportRun.objects.get()
    assert response.status_code == 302 and response.url == _status(run)
    assert (run.status, run.kind, run.params) == (
        ExportStatus.QUEUED,
        "reports.workbook",
        {"scope": "511781", "term": CURRENT},
    )
    page = client.get(_status(run)).content.decode()
    assert "排队中" in page and 'hx-trigger="every 2s"' in page
    assert client.get(_file(run)).status_code == 410  # not made yet

    drain()
    run.refresh_from_db()
    assert (run.status, run.progress) == (ExportStatus.READY, 100)
    fragment = client.get(_status(run), headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in fragment and _file(run) in fragment
    download = client.get(_file(run))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert load_workbook(io.BytesIO(download.content)).sheetnames[0] == "摸底统计"
    stored = Attachment.objects.get()
    assert stored.token.startswith("gAAAAA")  # kept as a Fernet token: encrypted at rest
    assert stored.read() == download.content


def test_asking_twice_while_it_is_made_is_one_export(client, reported, region_officer):
    client.force_login(region_officer)
    first = client.get(WORKBOOK, COUNTY)
    second = client.get(WORKBOOK, COUNTY)
    assert first.url == second.url and ExportRun.objects.count() == 1


def test_only_the_user_who_asked_sees_the_export(
    client, reported, region_officer, township_officer
):
    client.force_login(region_officer)
    client.get(WORKBOOK, COUNTY)
    drain()
    run = ExportRun.objects.get()
    client.force_login(township_officer)
    assert client.get(_status(run)).status_code == 404
    assert client.get(_file(run)).status_code == 404


def test_the_file_expires_after_24_hours(client, reported, region_officer):
    client.force_login(region_officer)
    client.get(WORKBOOK, COUNTY)
    drain()
    run = ExportRun.objects.get()
    assert run.expires_at - run.finished_at == pytest.approx(
        datetime.timedelta(hours=24), abs=datetime.timedelta(seconds=5)
    )
    # A day later (the session would have ended too: the expiry is moved, not the clock).
    ExportRun.objects.filter(pk=run.pk).update(expires_at=timezone.now())
    assert client.get(_file(run)).status_code == 410
    run.refresh_from_db()
    assert run.status == ExportStatus.EXPIRED and run.file is None
    assert not Attachment.objects.exists()


def test_the_daily_duty_deletes_expired_files(client, reported, region_officer):
    client.force_login(region_officer)
    client.get(WORKBOOK, COUNTY)
    drain()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        assert exports_expire(timezone.localdate()) == "删除过期导出文件 1 个"
        assert exports_expire(timezone.localdate()) == "删除过期导出文件 0 个"
    assert ExportRun.objects.get().status == ExportStatus.EXPIRED
    assert not Attachment.objects.exists()


def test_a_user_who_lost_the_scope_meanwhile_gets_a_refusal_not_the_file(
    client, reported, region_officer, world
):
    client.force_login(region_officer)
    client.get(WORKBOOK, COUNTY)
    region_officer.scope_region = world.township_b  # moved to another township before it ran
    region_officer.save()
    drain()
    run = ExportRun.objects.get()
    assert run.status == ExportStatus.FAILED
    assert "管辖范围" in run.error
    assert client.get(_file(run)).status_code == 410


def test_a_school_workbook_is_still_made_at_once(client, reported, school_leader):
    client.force_login(school_leader)
    response = client.get(WORKBOOK, {"scope": school_leader.scope_school.code, "term": CURRENT})
    assert response.status_code == 200 and not ExportRun.objects.exists()


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_county_summary_is_made_by_the_worker(client, reported, region_officer, kind):
    client.force_login(region_officer)
    response = client.get(reverse(f"reports:summary-{kind}"), COUNTY)
    download = export_followed(client, response)
    assert download.status_code == 200
    assert download.content[:4] == (b"%PDF" if kind == "pdf" else b"PK\x03\x04")
