"""Importing a census sheet (登记造册): every row gets a result, and nothing is written unless
every row is good (all or nothing).

1. Read the sheet (`reading`), or take the rows an upload kept (`uploads`): the header wherever
   it is, the non-blank rows.
2. Parse each row's cells: dirty input is accepted (full-width digits, `x`, dates in six
   shapes, labels, synonyms, traditional characters, +86 phones); what cannot be trusted is
   refused with the row, the column and the reason in Chinese.
3. Find each row's class within the importer's scope, and the child already registered under
   the same ID number; a second use of an ID number within the file is refused.
4. Validate with the models' own rules (`child_prepare`, `Parent.clean`, `Guardian.clean`).
5. Compare with the file on record: a row is new, an update (with the difference, old → new,
   as the privacy matrix shows it to the importer), unchanged, or an error. A blank cell keeps
   what is on file; 无 clears it.
6. With no error, apply in one short transaction, everything prepared before it opens
   (`writing`): new children (with history and access log) and this term's snapshots as
   prepared statements, changed files through `child_update`. Importing the same file again
   changes nothing.
"""

import datetime
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.crypto import blind_index
from shouhu.core.roles import Perm
from shouhu.core.scoping import may
from shouhu.org.models import Term
from shouhu.registry.census_sheets.cells import CellError, cell_text
from shouhu.registry.census_sheets.changes import Change, RowPlan, row_plan
from shouhu.registry.census_sheets.reading import Sheet, SheetError, header_of, read_sheet
from shouhu.registry.census_sheets.rows import (
    ClassFinder,
    RowReader,
    existing_children,
    row_values,
    snapshots_on_record,
)
from shouhu.registry.models import CensusSnapshot, CensusSource
from shouhu.registry.services import (
    ChildRegistration,
    census_snapshot_take,
    child_update,
    children_register_prepare,
)
from shouhu.registry.writing import Statements


class Outcome(models.TextChoices):
    NEW = "new", gettext_lazy("新增")
    UPDATE = "update", gettext_lazy("更新")
    UNCHANGED = "unchanged", gettext_lazy("无变化")
    ERROR = "error", gettext_lazy("有错误")


@dataclass
class RowResult:
    row: int
    name: str
    class_label: str = ""
    outcome: Outcome = Outcome.ERROR
    errors: list[CellError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    plan: RowPlan | None = None
    id_number: str = ""


@dataclass
class ImportResult:
    term: Term
    sheet: Sheet | None = None
    sheet_errors: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False
    # How long the write transaction held the database (wall clock and this process's CPU).
    write_seconds: float | None = None
    write_cpu_seconds: float | None = None

    @property
    def ok(self) -> bool:
        return not self.sheet_errors and all(r.outcome != Outcome.ERROR for r in self.rows)

    @property
    def errors(self) -> list[CellError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def counts(self) -> dict[str, int]:
        counts = {o.value: 0 for o in Outcome}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def messages(self) -> list[str]:
        return self.sheet_errors + [str(e) for e in self.errors]


def _term_day(term: Term) -> datetime.date:
    """The survey day: today, kept inside the term."""
    return min(max(timezone.localdate(), term.starts_on), term.ends_on)


def census_sheet_check(
    *, actor, term: Term, source: str | bytes | IO[bytes] | Sheet
) -> ImportResult:
    """Check a sheet without writing: the preview and the dry run. `source` is a workbook, or
    a sheet read already (an upload keeps its rows, so that it is read once)."""
    result = ImportResult(term=term)
    if not may(actor, Perm.CENSUS_IMPORT):
        raise PermissionDenied(_("您没有导入摸底名册的权限。"))
    if isinstance(source, Sheet):
        sheet = source
    else:
        try:
            sheet = read_sheet(source)
        except SheetError as exc:
            result.sheet_errors.append(str(exc))
            return result
    result.sheet = sheet
    missing = [c for c in _required_headers() if c[0] not in sheet.columns]
    if missing:
        result.sheet_errors.append(
            _("表格缺少必填列：%(cols)s。") % {"cols": "、".join(h for _k, h in missing)}
        )
        return result
    finder = ClassFinder(
        actor=actor,
        school_codes={
            unicodedata.normalize("NFKC", cell_text(sheet.value(c, "school_code"))).replace(" ", "")
            for _n, c in sheet.rows
        },
    )
    parsed: list[tuple[RowReader, dict[str, Any]]] = []
    for number, cells in sheet.rows:
        reader = RowReader(sheet=sheet, number=number, cells=cells)
        parsed.append((reader, row_values(reader, actor=actor, finder=finder)))
    _refuse_duplicates(parsed)
    indexes = [blind_index(v["child"]["_valid_id"]) for _r, v in parsed if v["child"]["_valid_id"]]
    visible, existing = existing_children(actor, indexes)
    snapshots = snapshots_on_record(list(visible.values()), term)
    day = _term_day(term)
    today = timezone.localdate()
    order = {header_of(key): index for key, index in sheet.columns.items()}
    for reader, values in parsed:
        number = values["child"]["_valid_id"]
        index = blind_index(number) if number else ""
        on_record = visible.get(index)
        row = RowResult(row=reader.number, name=values["child"]["name"], id_number=number or "")
        school_class = values["child"].get("school_class")
        row.class_label = str(school_class) if school_class else ""
        if index in existing and on_record is None:
            reader.error("id_number", _("该身份证号已在系统中登记，请联系上级部门核实。"))
        elif on_record is not None and on_record.left_on is not None:
            reader.error(
                "id_number",
                _("该儿童已于%(d)s离开名册，档案只读；如需恢复请联系学校领导。")
                % {"d": on_record.left_on.isoformat()},
            )
        plan, changes = row_plan(
            reader,
            values,
            existing=on_record,
            snapshot=snapshots.get(on_record.pk) if on_record else None,
            term=term,
            day=day,
            viewer=actor,
            today=today,
        )
        row.errors = sorted(reader.errors, key=lambda e: order.get(e.field, len(order)))
        if row.errors or plan is None:
            row.outcome = Outcome.ERROR
        elif on_record is None:
            row.outcome = Outcome.NEW
            row.plan = plan
        else:
            row.plan = plan
            row.changes = changes
            row.outcome = Outcome.UPDATE if changes else Outcome.UNCHANGED
        result.rows.append(row)
    if not result.rows:
        result.sheet_errors.append(_("表格中没有数据行。"))
    return result


def _required_headers() -> list[tuple[str, str]]:
    from shouhu.registry.census_sheets.columns import COLUMNS

    return [(c.key, c.header) for c in COLUMNS if c.required]


def _refuse_duplicates(parsed: list[tuple[RowReader, dict[str, Any]]]) -> None:
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    for reader, values in parsed:
        number = values["child"]["_valid_id"]
        if number:
            rows_by_id[number].append(reader.number)
    for reader, values in parsed:
        number = values["child"]["_valid_id"]
        others = [n for n in rows_by_id.get(number or "", []) if n != reader.number]
        if others:
            reader.error(
                "id_number",
                _("同一身份证号在表中出现多次：与第%(rows)s行重复。")
                % {"rows": "、".join(str(n) for n in others)},
            )


def census_import(
    *,
    actor,
    term: Term,
    source: str | bytes | IO[bytes] | Sheet,
    request: HttpRequest | None = None,
    filename: str = "",
) -> ImportResult:
    """Check the sheet and, when every row is good, write it all; otherwise write nothing.

    1. Read and check every row, outside any transaction (`census_sheet_check`).
    2. Prepare the writes of the new files (`children_register_prepare`) and of the snapshots:
       keys, history rows and SQL parameters, encrypted (`registry.writing`).
    3. In one transaction, as short as it can be: run them, update the changed files through
       `child_update`, and log the import. A conflict with a save made since the check (the
       same ID number registered meanwhile) writes nothing and says so."""
    result = census_sheet_check(actor=actor, term=term, source=source)
    if not result.ok:
        return result
    day = _term_day(term)
    history_user = actor if actor.pk else None
    new_plans = [r.plan for r in result.rows if r.outcome == Outcome.NEW and r.plan]
    on_file = [r.plan for r in result.rows if r.outcome != Outcome.NEW and r.plan]
    # A file the sheet leaves as it is needs only this term's snapshot (a new term's census):
    # prepared too. A file that changes goes through the register's service.
    statements = Statements()
    _prepare_snapshots(statements, [p for p in on_file if not _file_changes(p)], term=term)
    updates = [p for p in on_file if _file_changes(p)]
    counts = result.counts
    message = _("导入摸底名册 %(f)s（%(t)s）：新增%(n)d，更新%(u)d，无变化%(s)d") % {
        "f": filename,
        "t": term.code,
        "n": counts[Outcome.NEW],
        "u": counts[Outcome.UPDATE],
        "s": counts[Outcome.UNCHANGED],
    }
    try:
        # The new files, as the register writes them in bulk (`children_register_bulk`).
        registration = children_register_prepare(
            actor=actor,
            rows=[_registration(plan, term=term) for plan in new_plans],
            request=request,
        )
        with transaction.atomic():
            started, cpu_started = time.perf_counter(), time.process_time()
            registration.run()
            statements.run()
            for plan in updates:
                _update_child(plan, actor=actor, term=term, day=day, request=request)
            access_record(
                user=history_user, action=AccessAction.CREATE, query=message, request=request
            )
        result.write_seconds = time.perf_counter() - started
        result.write_cpu_seconds = time.process_time() - cpu_started
    except (IntegrityError, ValidationError):
        result.sheet_errors.append(
            _("检查之后名册已有变化（例如同一儿童已由他人登记），未写入任何数据。请重新上传。")
        )
        return result
    result.applied = True
    return result


def _registration(plan: RowPlan, *, term: Term) -> ChildRegistration:
    """A new file with its parents, guardian, flags and this term's snapshot, validated by the
    model rules in the check."""
    return ChildRegistration(
        child=plan.child,
        parents=list(plan.parents.values()),
        guardian=plan.guardian,
        flags=plan.flags or (),
        snapshots=[CensusSnapshot(child=plan.child, term=term, **plan.snapshot_values)],
    )


def _file_changes(plan: RowPlan) -> bool:
    return bool(
        plan.child_changes or plan.parent_values or plan.guardian_values or plan.flags is not None
    )


def _update_child(
    plan: RowPlan, *, actor, term: Term, day: datetime.date, request: HttpRequest | None
) -> None:
    """A file that changed goes through the register's own service, row by row: those are the
    few rows of a re-import, and each keeps its history and access-log entry."""
    child_update(
        actor=actor,
        child=plan.child,
        data=plan.child_changes,
        parents=plan.parent_values or None,
        guardian=plan.guardian_values,
        flags=plan.flags,
        request=request,
    )
    census_snapshot_take(
        child=plan.child, term=term, source=plan.source or CensusSource.REGISTER, day=day
    )


def _prepare_snapshots(statements: Statements, plans: list[RowPlan], *, term: Term) -> None:
    """This term's snapshot of the files the sheet leaves as they are: taken, or brought in line
    (one carried over from last term and waiting to be checked). The values are those
    `census_snapshot_take` would freeze, computed in the check from the same file."""
    new: list[CensusSnapshot] = []
    changed: list[CensusSnapshot] = []
    for plan in plans:
        if not plan.snapshot_due:
            continue
        if plan.snapshot is None:
            new.append(CensusSnapshot(child=plan.child, term=term, **plan.snapshot_values))
            continue
        for name, value in plan.snapshot_values.items():
            setattr(plan.snapshot, name, value)
        changed.append(plan.snapshot)
    statements.insert(new)
    if changed:
        statements.update(changed, list(plans[0].snapshot_values))
