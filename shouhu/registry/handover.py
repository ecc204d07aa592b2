"""Year-end handover (学年交接, 篇十), transfers between schools, and leaving the register.

The school handover, for a school leader (wizard) or the operator (`shouhu handover`):

1. Every class moves up a grade (三年级(2)班 becomes 四年级(2)班: the class is the cohort, and
   its files, head teacher and history go with it; `org.services.classes_promote`). The top
   grade graduates: its children leave the register with the reason 毕业 and their files stay,
   read-only; the class keeps its past censuses under the name 2027届六年级(1)班.
2. Head teachers and pairings carry over unless the leader unticks them: an unticked head teacher
   is taken off the class, an unticked pairing ends on the last day of the old term.
3. The new term's census opens, prefilled from each child's last snapshot (marked 待核实 until
   the class is surveyed again), and each class's pupil count is carried over for confirmation.
4. A dry run (`handover_plan`) lists every change and writes nothing.
5. It is applied between terms, counting from the old term's last day; at any other time only
   with a day the user gives (`handover_date_problem`), since it relabels the running term.
6. What it moved is kept with the handover, which can be undone for a few days
   (`registry.handover_undo`).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.care.models import Pairing, VisitTask
from shouhu.care.services import pairings_end
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope, may
from shouhu.org.models import School, SchoolClass, Term
from shouhu.org.selectors import classes_for
from shouhu.org.services import (
    ClassMove,
    ClassPromotion,
    class_promotion_plan,
    classes_promote,
)
from shouhu.registry.classification import CIVIL_CATEGORIES, EDUCATION_CATEGORIES, age_on
from shouhu.registry.models import (
    CensusSnapshot,
    CensusSource,
    Child,
    ChildFlag,
    ChildTransfer,
    Flag,
    Guardian,
    HukouType,
    LeaveReason,
    Parent,
    SchoolHandover,
)
from shouhu.registry.selectors import child_history_for
from shouhu.registry.services import _child_save, census_snapshot_values, child_edit_check


@dataclass
class Graduation:
    school_class: SchoolClass
    archive_name: str
    children: list[Child]


def handover_date_problem(
    *, from_term: Term, to_term: Term, today: datetime.date, on: datetime.date | None = None
) -> str:
    """Why the handover may not be applied today ("" when it may).

    Without a day given it is applied between terms: after the old term's last day, up to the
    new term's first, and counts from the old term's last day. At any other time the user gives
    the day it counts from (`on`): graduates leave and unticked pairings end that day, which
    lies between the two terms' first days and not after today (nothing is dated ahead)."""
    if on is None:
        if today <= from_term.ends_on:
            return _(
                "%(term)s 到 %(end)s 才结束：学年交接在学期结束后办理。"
                "如确需提前办理，请填写交接日期。"
            ) % {"term": from_term, "end": from_term.ends_on.isoformat()}
        if today > to_term.starts_on:
            return _("%(term)s 已于 %(start)s 开学：如需补办学年交接，请填写交接日期。") % {
                "term": to_term,
                "start": to_term.starts_on.isoformat(),
            }
        return ""
    if on > today:
        return _("交接日期不能晚于今天。")
    if not from_term.starts_on <= on <= to_term.starts_on:
        return _("交接日期应在 %(a)s 至 %(b)s 之间。") % {
            "a": from_term.starts_on.isoformat(),
            "b": to_term.starts_on.isoformat(),
        }
    return ""


@dataclass
class HandoverPlan:
    school: School
    from_term: Term
    to_term: Term
    on: datetime.date  # graduates leave, unticked pairings end
    refusal: str = ""  # why it may not be applied today (`handover_date_problem`)
    moves: list[ClassMove] = field(default_factory=list)
    graduations: list[Graduation] = field(default_factory=list)
    new_first_classes: list[str] = field(default_factory=list)
    pairings: list[Pairing] = field(default_factory=list)  # carried over, for confirmation
    ending_pairings: list[Pairing] = field(default_factory=list)  # of graduates
    prefill: int = 0  # snapshots the new term's census opens with
    problems: list[str] = field(default_factory=list)
    promotion: ClassPromotion = field(default_factory=ClassPromotion)  # the classes' part

    @property
    def graduate_count(self) -> int:
        return sum(len(g.children) for g in self.graduations)

    def lines(self) -> list[str]:
        """Everything that would change, in words (the dry run)."""
        lines = [
            _("%(school)s：%(a)s → %(b)s，交接日期 %(on)s")
            % {
                "school": self.school.name,
                "a": self.from_term,
                "b": self.to_term,
                "on": self.on.isoformat(),
            }
        ]
        for g in self.graduations:
            lines.append(
                _(
                    "毕业：%(cls)s 的 %(n)d 名儿童于 %(on)s 离开名册，档案保留只读；"
                    "班级更名为 %(new)s"
                )
                % {
                    "cls": g.school_class.name,
                    "n": len(g.children),
                    "on": self.on.isoformat(),
                    "new": g.archive_name,
                }
            )
        for m in self.moves:
            head = m.school_class.head_teacher
            lines.append(
                _("升级：%(old)s → %(new)s（%(n)d 名儿童，班主任：%(head)s，待确认）")
                % {
                    "old": m.school_class.name,
                    "new": m.new_name,
                    "n": m.children,
                    "head": head or _("未指定"),
                }
            )
        for name in self.new_first_classes:
            lines.append(_("新建：%(name)s（新生班级，班主任待指定）") % {"name": name})
        for p in self.pairings:
            lines.append(
                _("结对延续：%(child)s — %(carer)s（待确认）")
                % {"child": p.child.name, "carer": p.carer}
            )
        for p in self.ending_pairings:
            lines.append(
                _("结对结束：%(child)s — %(carer)s（毕业）")
                % {"child": p.child.name, "carer": p.carer}
            )
        lines.append(
            _("%(term)s 摸底：按上学期快照预填 %(n)d 名儿童，待班主任核实")
            % {"term": self.to_term, "n": self.prefill}
        )
        lines += [_("问题：%(p)s") % {"p": p} for p in self.problems]
        return lines


def handover_check(actor, school: School) -> None:
    """Who may hand a school over (and undo it): HANDOVER over the school, or the operator."""
    if not may(actor, Perm.HANDOVER):
        raise PermissionDenied(_("您没有办理学年交接的权限。"))
    if not in_scope(actor, school):
        raise Http404


def _open_pairings(children) -> QuerySet[Pairing]:
    return Pairing.objects.open().filter(child__in=children).select_related("child", "carer")


def handover_plan(
    *,
    actor,
    school: School,
    from_term: Term,
    to_term: Term,
    on: datetime.date | None = None,
) -> HandoverPlan:
    """What the handover would do, and whether it may be applied today; writes nothing."""
    handover_check(actor, school)
    if not (to_term.start_year == from_term.start_year + 1 and to_term.semester == 1):
        raise ValidationError(
            _("学年交接应从一个学年的学期转到下一学年的第一学期（如 2026-2027-2 → 2027-2028-1）。")
        )
    if SchoolHandover.objects.filter(
        school=school, to_term=to_term, undone_at__isnull=True
    ).exists():
        raise ValidationError(
            _("%(school)s 已办理过转入 %(term)s 的学年交接。")
            % {"school": school.name, "term": to_term}
        )
    plan = HandoverPlan(
        school=school,
        from_term=from_term,
        to_term=to_term,
        on=on or from_term.ends_on,
        refusal=handover_date_problem(
            from_term=from_term, to_term=to_term, today=timezone.localdate(), on=on
        ),
    )
    on_register = Child.objects.on_register().filter(school_class__school=school)
    counts: dict[int, list[Child]] = {}
    for child in on_register.order_by("name_pinyin"):
        counts.setdefault(child.school_class_id, []).append(child)
    promotion = class_promotion_plan(
        school=school,
        from_term=from_term,
        to_term=to_term,
        children={pk: len(children) for pk, children in counts.items()},
    )
    plan.promotion = promotion
    for school_class, archive in promotion.graduating:
        children = counts.get(school_class.pk, [])
        plan.graduations.append(Graduation(school_class, archive, children))
        plan.ending_pairings += list(_open_pairings(children))
        plan.problems += [
            _("%(name)s 的登记日期 %(d)s 晚于交接日期。")
            % {"name": c.name, "d": c.registered_on.isoformat()}
            for c in children
            if c.registered_on > plan.on
        ]
    plan.problems += promotion.problems
    plan.moves = promotion.moves
    for move in promotion.moves:
        plan.pairings += list(_open_pairings(counts.get(move.school_class.pk, [])))
    plan.new_first_classes = promotion.new_first_classes
    plan.prefill = sum(m.children for m in plan.moves)
    return plan


@transaction.atomic
def handover_apply(
    *,
    actor,
    school: School,
    from_term: Term,
    to_term: Term,
    keep_head_teachers: set[int] | None = None,
    keep_pairings: set[int] | None = None,
    open_first_grade: bool = True,
    on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> SchoolHandover:
    """Apply the plan. `keep_*` name the class / pairing ids the leader confirmed (None: all);
    `on` is the day it counts from when it is applied outside the break between the terms.

    The log (`changes`) is written from the plan before anything moves, so each line reads
    old → new; what moved, with its old value, is kept for `handover_undo`."""
    plan = handover_plan(actor=actor, school=school, from_term=from_term, to_term=to_term, on=on)
    if plan.refusal:
        raise ValidationError(plan.refusal)
    if plan.problems:
        raise ValidationError(plan.problems)
    lines = plan.lines()
    last_day = plan.on
    user = actor if actor.pk else None
    moved = _moved_before(plan)
    for graduation in plan.graduations:
        for child in graduation.children:
            _leave(actor=actor, child=child, on=last_day, reason=LeaveReason.GRADUATED, note="")
            pairings_end(
                actor=actor,
                child=child,
                on=last_day,
                reason=str(LeaveReason.GRADUATED.label),
                request=request,
            )
    promoted = classes_promote(
        school=school,
        to_term=to_term,
        promotion=plan.promotion,
        keep_head_teachers=keep_head_teachers,
        open_first_grade=open_first_grade,
    )
    moved["enrolments"] = promoted.enrolments
    moved["new_classes"] = promoted.new_classes
    if keep_pairings is not None:
        dropped = [p for p in plan.pairings if p.pk not in keep_pairings]
        # Each class's head teacher as moved above (some were not carried over), read once.
        heads = {
            c.pk: c.head_teacher
            for c in SchoolClass.objects.filter(school=school).select_related("head_teacher")
        }
        for pairing in dropped:
            pairings_end(
                actor=actor,
                child=pairing.child,
                on=last_day,
                kind=pairing.kind,
                reason=_("学年交接时未延续"),
                tasks_to=heads.get(pairing.child.school_class_id),
                request=request,
            )
    moved["snapshots"] = _prefill_census(school=school, from_term=from_term, to_term=to_term)
    _moved_after(moved)
    record = SchoolHandover.objects.create(
        school=school,
        from_term=from_term,
        to_term=to_term,
        on=last_day,
        by=user,
        changes=lines,
        moved=moved,
    )
    access_record(
        user=user,
        action=AccessAction.UPDATE,
        query=handover_log_text(record),
        request=request,
    )
    return record


def handover_log_text(handover: SchoolHandover, *, undone: bool = False) -> str:
    """The access log's words for a handover: the school and both terms, by code."""
    text = (
        _("撤销学年交接 %(school)s：%(a)s → %(b)s")
        if undone
        else _("学年交接 %(school)s：%(a)s → %(b)s")
    )
    return text % {
        "school": handover.school.code,
        "a": handover.from_term.code,
        "b": handover.to_term.code,
    }


def _moved_before(plan: HandoverPlan) -> dict:
    """What the handover is about to move, with the values it has now (ids, JSON-ready). The
    open pairings and home-visit tasks are read again afterwards: those that changed moved."""
    children = Child.objects.on_register().filter(school_class__school=plan.school)
    classes = [g.school_class for g in plan.graduations] + [m.school_class for m in plan.moves]
    open_tasks = VisitTask.objects.filter(child__in=children, done_on__isnull=True)
    return {
        "graduates": [c.pk for g in plan.graduations for c in g.children],
        # In the order they are renamed; the undo goes backwards, so each old name is free.
        "classes": [[c.pk, c.name, c.grade, c.head_teacher_id] for c in classes],
        "new_classes": [],
        "enrolments": [],
        "snapshots": [],
        "pairings": list(_open_pairings(children).values_list("pk", flat=True)),
        "tasks": [list(t) for t in open_tasks.values_list("pk", "assignee_id")],
    }


def _moved_after(moved: dict) -> None:
    """Keep, of the open pairings and tasks read before, those the handover changed."""
    moved["pairings"] = list(
        Pairing.objects.filter(pk__in=moved["pairings"], ends_on__isnull=False).values_list(
            "pk", flat=True
        )
    )
    before = dict(moved["tasks"])
    after = dict(VisitTask.objects.filter(pk__in=before).values_list("pk", "assignee_id"))
    moved["tasks"] = [[pk, old] for pk, old in before.items() if after.get(pk) != old]


def _prefill_census(*, school: School, from_term: Term, to_term: Term) -> list[int]:
    """The new term's snapshots, copied from each child's last one (marked 待核实); their ids."""
    children = list(
        Child.objects.on_register()
        .filter(school_class__school=school)
        .exclude(snapshots__term=to_term)
        .select_related("school_class")
    )
    last: dict[int, CensusSnapshot] = {}
    for snapshot in CensusSnapshot.objects.filter(
        child__in=children, term__starts_on__lte=from_term.starts_on
    ).order_by("term__starts_on"):
        last[snapshot.child_id] = snapshot
    # A child never surveyed before is classified from the file, guardian included (one query).
    able = set(
        Guardian.objects.filter(
            child__in=[c for c in children if c.pk not in last], able_to_care=True
        ).values_list("child_id", flat=True)
    )
    created = []
    day = to_term.starts_on
    for child in children:
        before = last.get(child.pk)
        if before is None:
            statuses = {p.role: p.status for p in Parent.objects.filter(child=child)}
            flags = set(ChildFlag.objects.open().filter(child=child).values_list("flag", flat=True))
            values = census_snapshot_values(
                child=child,
                statuses=statuses,
                open_flags=flags,
                guardian_able=child.pk in able,
                term=to_term,
                source=CensusSource.REGISTER,
                day=day,
            )
        else:
            civil = (
                before.category in CIVIL_CATEGORIES
                and child.hukou_type == HukouType.RURAL
                and age_on(child.birth_date, day) < 16
            )
            values = {
                "school_class": child.school_class,
                "category": before.category,
                "education": before.category in EDUCATION_CATEGORIES,
                "civil": civil,
                "source": before.source,
                "surveyed_on": day,
                **{flag.value: getattr(before, flag.value) for flag in Flag},
                "guardian_able": before.guardian_able,
            }
        values["prefilled"] = True
        created.append(CensusSnapshot(child=child, term=to_term, **values))
    CensusSnapshot.objects.bulk_create(created)
    # Every new-term snapshot of these children is one made here: those with one were left out.
    return list(
        CensusSnapshot.objects.filter(term=to_term, child__in=children).values_list("pk", flat=True)
    )


# --- leaving the register and transfers --------------------------------------------------------


def _leave(*, actor, child: Child, on: datetime.date, reason: str, note: str) -> None:
    child.left_on = on
    child.left_reason = reason
    child.left_note = note
    child._history_user = actor if actor.pk else None  # type: ignore[attr-defined]
    child.save(update_fields=["left_on", "left_reason", "left_note"])


@transaction.atomic
def child_leave(
    *,
    actor,
    child: Child,
    on: datetime.date,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Child:
    """The child leaves the register (parents home, turned 16, moved away): the date and reason
    are kept, and so is the file, read-only from then on."""
    child_edit_check(actor, child.school_class)
    errors = {}
    if child.left_on is not None:
        errors["left_on"] = _("该儿童已于%(d)s离开名册。") % {"d": child.left_on.isoformat()}
    elif on > timezone.localdate():
        errors["left_on"] = _("离开日期不能晚于今天。")
    elif on < child.registered_on:
        errors["left_on"] = _("离开日期不能早于登记日期。")
    if reason not in LeaveReason.values:
        errors["left_reason"] = _("请选择离开原因。")
    if errors:
        raise ValidationError(errors)
    _leave(actor=actor, child=child, on=on, reason=reason, note=note.strip())
    pairings_end(
        actor=actor, child=child, on=on, reason=str(LeaveReason(reason).label), request=request
    )
    access_record(user=actor, action=AccessAction.UPDATE, child=child, request=request)
    return child


def transfer_classes_for(user, child: Child) -> QuerySet[SchoolClass]:
    """The classes a child may move to: other schools of the same county."""
    county = child.school_class.school.region_id[:6]
    return (
        SchoolClass.objects.filter(school__region__code__startswith=county)
        .exclude(school=child.school_class.school)
        .exclude(name__contains="届")
        .select_related("school")
        .order_by("school__code", "grade", "name")
    )


@transaction.atomic
def child_transfer(
    *,
    actor,
    child: Child,
    to_class: SchoolClass,
    on: datetime.date,
    note: str = "",
    request: HttpRequest | None = None,
) -> ChildTransfer:
    """Move a child to a school in the same county (转学). The file follows the child; the old
    school keeps a read-only view of the history up to the transfer; pairings end that day."""
    if not may(actor, Perm.HANDOVER):
        raise PermissionDenied(_("您没有办理转学的权限。"))
    child_edit_check(actor, child.school_class)
    if child.left_on is not None:
        raise ValidationError(_("该儿童已离开名册，不能办理转学。"))
    if not transfer_classes_for(actor, child).filter(pk=to_class.pk).exists():
        raise ValidationError({"to_class": _("只能转到同一县（市、区）内的其他学校。")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("转学日期不能晚于今天。")})
    transfer = ChildTransfer.objects.create(
        child=child,
        from_class=child.school_class,
        to_class=to_class,
        on=on,
        note=note.strip(),
        by=actor,
    )
    # Before the move: the pairings belong to the old school, the actor's scope.
    pairings_end(
        actor=actor,
        child=child,
        on=on,
        reason=_("转学"),
        tasks_to=to_class.head_teacher,
        request=request,
    )
    child.school_class = to_class
    _child_save(actor=actor, child=child)
    access_record(user=actor, action=AccessAction.UPDATE, child=child, request=request)
    return transfer


def transfers_out_for(user) -> QuerySet[ChildTransfer]:
    """Children who moved away from the user's classes: the old school's read-only list."""
    return (
        ChildTransfer.objects.filter(from_class__in=classes_for(user))
        .select_related("child", "from_class__school", "to_class__school")
        .order_by("-on", "-id")
    )


def transfer_history_for(user, public_id) -> dict:
    """What the old school may still see of a child who moved: the file as it was, the census
    snapshots and the changes up to the transfer, nothing after."""
    transfer = transfers_out_for(user).filter(public_id=public_id).first()
    if transfer is None:
        raise Http404
    child = transfer.child
    snapshots = (
        CensusSnapshot.objects.filter(child=child, term__starts_on__lte=transfer.on)
        .filter(
            Q(school_class=transfer.from_class) | Q(school_class__school=transfer.from_class.school)
        )
        .select_related("term", "school_class")
        .order_by("-term__starts_on")
    )
    history = [e for e in child_history_for(user, child) if e["at"] < transfer.at]
    return {"transfer": transfer, "child": child, "snapshots": list(snapshots), "history": history}
