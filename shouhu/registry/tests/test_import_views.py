"""The web import: upload, a preview with a result for every row, confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouhu.registry.models import CensusImport, Child, ImportStatus
from shouhu.registry.tests.census_sheets import read_rows, row, sheet_bytes

pytestmark = pytest.mark.usefixtures("frozen_today")


def upload(client, world, content: bytes, name: str = "三年级2班.xlsx"):
    return client.post(
        reverse("registry:census-import"),
        {"term": world.term.code, "file": SimpleUploadedFile(name, content)},
    )


def test_upload_previews_every_row_and_writes_nothing_until_confirmed(client, world, head_teacher):
    client.force_login(head_teacher)
    before = Child.objects.count()
    response = upload(client, world, sheet_bytes([row(0), row(1)]))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert page.count('class="outcome-new"') == 2 and "确认导入" in page
    assert Child.objects.count() == before
    stored = CensusImport.objects.get()
    assert "王小明" not in stored.content  # the sheet is kept encrypted
    confirm = client.post(
        reverse("registry:census-import-confirm", kwargs={"public_id": stored.public_id})
    )
    assert confirm.status_code == 302 and confirm["Location"] == reverse("registry:child-list")
    assert Child.objects.count() == before + 2
    stored.refresh_from_db()
    assert stored.status == ImportStatus.IMPORTED and stored.content == ""
    assert stored.counts["new"] == 2


def test_a_sheet_with_bad_rows_shows_every_reason_and_offers_the_error_report(
    client, world, head_teacher
):
    client.force_login(head_teacher)
    bad = [row(0, 父亲电话="1381234"), row(1), row(2, 身份证号="511781")]
    response = upload(client, world, sheet_bytes(bad))
    page = client.get(response["Location"]).content.decode()
    assert "第2行「父亲电话」" in page and "第4行「身份证号」" in page
    assert "没有写入任何数据" in page and "确认导入" not in page
    stored = CensusImport.objects.get()
    report = client.get(
        reverse("registry:census-import-errors", kwargs={"public_id": stored.public_id})
    )
    assert [line[-4] for line in read_rows(report.content)[1:]] == [2, 4]
    confirm = client.post(
        reverse("registry:census-import-confirm", kwargs={"public_id": stored.public_id})
    )
    assert confirm.status_code == 422
    assert not Child.objects.filter(name__in=["王小明", "李思雨", "张子涵"]).exists()


def test_a_file_that_is_not_a_sheet_is_refused_at_upload(client, world, head_teacher):
    client.force_login(head_teacher)
    response = upload(client, world, b"%PDF-1.4", name="名册.pdf")
    assert response.status_code == 200
    page = response.content.decode()
    assert "不支持 .pdf 文件" in page and ".xls" in page and ".csv" in page
    assert not CensusImport.objects.exists()


def test_the_template_downloads(client, world, head_teacher):
    client.force_login(head_teacher)
    response = client.get(reverse("registry:census-template"))
    assert response.status_code == 200
    assert read_rows(response.content)[0][0] == "姓名"


def test_an_upload_never_confirmed_expires_and_retention_deletes_it(
    client, world, head_teacher, settings
):
    import datetime
    from io import StringIO

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    settings.SHOUHU_UPLOAD_KEEP_DAYS = 7
    client.force_login(head_teacher)
    waiting = client.get(upload(client, world, sheet_bytes([row(0)]))["Location"])
    assert waiting.status_code == 200
    stored = CensusImport.objects.get()
    done = CensusImport.objects.create(
        uploaded_by=head_teacher, term=world.term, filename="已导入.xlsx", status="imported"
    )
    preview = reverse("registry:census-import-preview", kwargs={"public_id": stored.public_id})
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        client.force_login(head_teacher)  # the session itself has expired
        assert client.get(preview).status_code == 200
        out = StringIO()
        call_command("retention", "--dry-run", stdout=out)
        assert "0 expired census uploads would be deleted" in out.getvalue()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, hours=1)):
        client.force_login(head_teacher)
        assert client.get(preview).status_code == 404  # gone at once, before retention runs
        out = StringIO()
        call_command("retention", "--dry-run", stdout=out)
        assert "1 expired census uploads would be deleted" in out.getvalue()
        assert CensusImport.objects.filter(pk=stored.pk).exists()
        call_command("retention", stdout=out)
        assert "1 expired census uploads deleted" in out.getvalue()
    assert list(CensusImport.objects.all()) == [done]  # the record of an import stays


def test_the_keeping_time_of_uploads_is_a_setting(client, world, head_teacher, settings):
    import datetime

    import time_machine
    from django.utils import timezone

    from shouhu.registry.census_sheets.uploads import census_uploads_expired

    settings.SHOUHU_UPLOAD_KEEP_DAYS = 2
    client.force_login(head_teacher)
    page = client.get(reverse("registry:census-import")).content.decode()
    assert "未确认的上传保存 2 天后自动删除" in page and "请在该格填「无」" in page
    upload(client, world, sheet_bytes([row(0)]))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert census_uploads_expired().count() == 1
