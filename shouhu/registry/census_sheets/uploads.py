"""The web import's upload, kept between its preview and its confirmation.

The sheet is read and checked once, when it is uploaded. What is kept (encrypted) is what was
read, not the workbook: the header and the data rows, with the preview's result for each row.
The preview page and the error report are drawn from it; the confirmation checks those rows
again against the register as it is then (nothing is reread from Excel) and writes them.

An upload holds full ID numbers and phones, so it is kept only as long as needed: its content is
dropped once imported, and an upload never confirmed expires after SHOUHU_UPLOAD_KEEP_DAYS days
(hidden at once, deleted by `shouhu retention`).
"""

import base64
import datetime
import io
import json
import zlib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.core.roles import Perm
from shouhu.org.models import Term
from shouhu.registry.census_sheets.cells import CellError
from shouhu.registry.census_sheets.changes import Change
from shouhu.registry.census_sheets.importing import (
    ImportResult,
    Outcome,
    RowResult,
    census_import,
    census_sheet_check,
)
from shouhu.registry.census_sheets.reading import Sheet
from shouhu.registry.models import CensusImport, ImportStatus

FORMAT = 1


def census_upload_store(*, actor, term: Term, filename: str, content: bytes) -> CensusImport:
    """Read and check an uploaded sheet, and keep what was read with the preview. The name
    goes with the bytes, so that a name that lies about them is told."""
    if not actor.has_perm_to(Perm.CENSUS_IMPORT):
        raise PermissionDenied(_("您没有导入摸底名册的权限。"))
    source = io.BytesIO(content)
    source.name = filename
    result = census_sheet_check(actor=actor, term=term, source=source)
    # A new upload replaces the user's earlier ones still waiting: no sheet is kept longer than
    # it is needed (PIPL), and only the imported ones leave a record (without their content).
    CensusImport.objects.filter(uploaded_by=actor, status=ImportStatus.PREVIEWED).delete()
    return CensusImport.objects.create(
        uploaded_by=actor, term=term, filename=filename[:200], content=_dump(result)
    )


def census_upload_get_for(user, public_id) -> CensusImport:
    """The user's own upload, or 404: nobody else's upload is ever shown, nor an expired one."""
    upload = (
        CensusImport.objects.filter(uploaded_by=user, public_id=public_id)
        .exclude(pk__in=census_uploads_expired().values("pk"))
        .select_related("term")
        .first()
    )
    if upload is None:
        raise Http404
    return upload


def census_upload_preview(upload: CensusImport) -> ImportResult:
    """The result kept with the upload: the preview page and the error report."""
    return _load(upload.content, term=upload.term)


def census_upload_import(
    *, actor, upload: CensusImport, request: HttpRequest | None = None
) -> ImportResult:
    """Import an upload's rows; once imported its content is deleted and its counts kept.
    When the rows no longer pass (the register changed since), the new result is kept."""
    kept = census_upload_preview(upload)
    if kept.sheet is None:
        return kept
    result = census_import(
        actor=actor, term=upload.term, source=kept.sheet, request=request, filename=upload.filename
    )
    if result.applied:
        upload.status = ImportStatus.IMPORTED
        upload.imported_at = timezone.now()
        upload.content = ""
        upload.counts = result.counts
        upload.save(update_fields=["status", "imported_at", "content", "counts"])
    else:
        upload.content = _dump(result)
        upload.save(update_fields=["content"])
    return result


def census_uploads_expired(*, now: datetime.datetime | None = None) -> QuerySet[CensusImport]:
    """Uploads never confirmed, older than SHOUHU_UPLOAD_KEEP_DAYS days."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SHOUHU_UPLOAD_KEEP_DAYS)
    return CensusImport.objects.filter(status=ImportStatus.PREVIEWED, uploaded_at__lt=cutoff)


# --- what is kept --------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A cell as JSON: the types a sheet holds that JSON lacks are tagged."""
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"seconds": value.total_seconds()}
    return value


def _uncell(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "datetime" in value:
        return datetime.datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return datetime.date.fromisoformat(value["date"])
    if "time" in value:
        return datetime.time.fromisoformat(value["time"])
    return datetime.timedelta(seconds=value["seconds"])


def _dump(result: ImportResult) -> str:
    sheet = result.sheet
    data = {
        "format": FORMAT,
        "sheet": None
        if sheet is None
        else {
            "title": sheet.title,
            "header_row": sheet.header_row,
            "headers": sheet.headers,
            "columns": sheet.columns,
            "rows": [[number, [_cell(c) for c in cells]] for number, cells in sheet.rows],
        },
        "sheet_errors": result.sheet_errors,
        "rows": [
            {
                "row": r.row,
                "name": r.name,
                "class": r.class_label,
                "outcome": r.outcome.value,
                "errors": [[e.field, e.value, e.reason] for e in r.errors],
                "changes": [[c.field, c.old, c.new] for c in r.changes],
            }
            for r in result.rows
        ],
    }
    packed = zlib.compress(json.dumps(data, ensure_ascii=False).encode())
    return base64.b64encode(packed).decode()


def _load(content: str, *, term: Term) -> ImportResult:
    result = ImportResult(term=term)
    try:
        data = json.loads(zlib.decompress(base64.b64decode(content)))
        if data.get("format") != FORMAT:
            raise ValueError
    except (ValueError, zlib.error):
        # Kept in another form by an earlier version: it cannot be previewed any more.
        result.sheet_errors.append(_("该上传已失效，请重新上传名册。"))
        return result
    stored = data["sheet"]
    if stored is not None:
        result.sheet = Sheet(
            title=stored["title"],
            header_row=stored["header_row"],
            headers=stored["headers"],
            columns=stored["columns"],
            rows=[(number, tuple(_uncell(c) for c in cells)) for number, cells in stored["rows"]],
        )
    result.sheet_errors = data["sheet_errors"]
    for row in data["rows"]:
        result.rows.append(
            RowResult(
                row=row["row"],
                name=row["name"],
                class_label=row["class"],
                outcome=Outcome(row["outcome"]),
                errors=[CellError(row["row"], *error) for error in row["errors"]],
                changes=[Change(*change) for change in row["changes"]],
            )
        )
    return result
