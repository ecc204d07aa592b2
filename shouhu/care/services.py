"""Everything that writes the care work: pairings and buddies, care actions, observations and
their home-visit tasks, exemptions and quota settings. Each service checks the actor, validates,
saves and, where a child's data is written, records the access."""

import datetime
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.care.compliance.quotas import quota_levels
from shouhu.care.models import (
    ActionKind,
    Buddy,
    CareAction,
    CareActionChild,
    Exemption,
    Observation,
    Pairing,
    PairingKind,
    Quota,
    QuotaPeriod,
    SignalKind,
    VisitTask,
)
from shouhu.care.rules import (
    ONE_DAY,
    Period,
    QuotaRule,
    carer_may_pair,
    late_entry_open,
    late_entry_until,
    month_of,
    quota_effective,
    task_due_on,
    tightens,
)
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.core.text import clean_name
from shouhu.core.visibility import care_summary_may_share, may_read_counselling
from shouhu.notify.telling import visit_task_tell
from shouhu.org.models import Region, School
from shouhu.org.selectors import term_current
from shouhu.registry.models import CensusSnapshot, Child
from shouhu.registry.services import child_edit_check


class LoadLimitExceeded(ValidationError):
    """The carer would look after more children than the load setting advises (篇六: 2–3)."""

    def __init__(self, *, carer: User, load: int, limit: int):
        self.carer, self.load, self.limit = carer, load, limit
        super().__init__(
            _("%(name)s 将负责 %(load)d 名儿童，超过建议的每人 %(limit)d 名。")
            % {"name": carer, "load": load, "limit": limit}
        )


def _today() -> datetime.date:
    return timezone.localdate()


def _check_child_in_scope(actor: User, child: Child) -> None:
    if not Child.objects.restrict(actor).filter(pk=child.pk).exists():
        raise PermissionDenied(_("该儿童不在您的管辖范围内。"))


def _check_may_arrange(actor: User, child: Child) -> None:
    if not actor.has_perm_to(Perm.PAIRING_MANAGE):
        raise PermissionDenied(_("您没有安排结对帮扶的权限。"))
    if not in_scope(actor, child.school_class):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))


# --- pairings ---------------------------------------------------------------------------------


def _open_tasks_to(child: Child, user: User) -> None:
    """The child's open home-visit tasks follow whoever now owes the visits."""
    VisitTask.objects.filter(child=child, done_on__isnull=True).update(assignee=user)


def _head_teacher_or(child: Child, fallback: User) -> User:
    head = child.school_class.head_teacher
    return head if head is not None and head.is_active else fallback


@transaction.atomic
def pairing_assign(
    *,
    actor: User,
    child: Child,
    carer: User | None,
    kind: str = PairingKind.PROXY_PARENT,
    allow_over_limit: bool = False,
    request: HttpRequest | None = None,
) -> Pairing | None:
    """Make `carer` the child's proxy parent (or mentor) from today; None ends the pairing.

    1. The actor must arrange pairings for the child's class (head teacher, school leader).
    2. Nothing changes when the carer already holds the pairing.
    3. The carer must be able to look after the child (`carer_may_pair`).
    4. A proxy parent whose load would pass the setting is refused with `LoadLimitExceeded`
       unless `allow_over_limit` (the page asks the head teacher to confirm).
    5. The open pairing ends yesterday and stays in the history; one opened today is corrected
       in place, since nothing can have happened under it.
    6. The child's open home-visit tasks follow the new proxy parent (the head teacher when
       there is none).
    """
    _check_may_arrange(actor, child)
    day = _today()
    current = Pairing.objects.open().filter(child=child, kind=kind).first()
    if current is None and carer is None:
        return None
    if current is not None and carer is not None and current.carer_id == carer.pk:
        return current
    if carer is not None:
        if not carer_may_pair(carer, child, kind=kind):
            raise ValidationError(
                _("%(name)s 不能担任该儿童的%(kind)s：须为本校教师或志愿者。")
                % {"name": carer, "kind": PairingKind(kind).label}
            )
        limit = settings.SHOUHU_PROXY_LOAD_LIMIT
        loads = Pairing.objects.proxy_loads(day).filter(carer=carer)
        load = sum(loads.values_list("load", flat=True)) + 1
        if kind == PairingKind.PROXY_PARENT and load > limit and not allow_over_limit:
            raise LoadLimitExceeded(carer=carer, load=load, limit=limit)
    pairing = None
    if current is not None and current.starts_on >= day:
        if carer is None:
            current.delete()
        else:
            current.carer = carer
            current.assigned_by = actor
            current.full_clean()
            current.save()
            pairing = current
    else:
        if current is not None:
            current.ends_on = day - ONE_DAY
            current.full_clean()
            current.save(update_fields=["ends_on"])
        if carer is not None:
            pairing = Pairing(child=child, carer=carer, kind=kind, starts_on=day, assigned_by=actor)
            pairing.full_clean()
            pairing.save()
    if kind == PairingKind.PROXY_PARENT:
        _open_tasks_to(child, carer or _head_teacher_or(child, actor))
    access_record(user=actor, action=AccessAction.UPDATE, child=child, request=request)
    return pairing


@transaction.atomic
def buddy_set(
    *, actor: User, child: Child, name: str, request: HttpRequest | None = None
) -> Buddy | None:
    """Give the child a student buddy (一帮一) from today, by name; an empty name ends it.

    A buddy is a non-left-behind classmate: a name that is a left-behind child of the same class
    in this term's census is refused.
    """
    _check_may_arrange(actor, child)
    name = clean_name(name)
    day = _today()
    current = Buddy.objects.open().filter(child=child).first()
    if (current.name if current is not None else "") == name:
        return current
    if name:
        term = term_current(day)
        classmates = CensusSnapshot.objects.filter(
            term=term, school_class=child.school_class, education=True, child__name=name
        )
        if name == child.name or (term is not None and classmates.exists()):
            message = _("一帮一伙伴应为本班的非留守学生：%(name)s 是本班留守儿童。")
            raise ValidationError({"name": message % {"name": name}})
    buddy = None
    if current is not None:
        if current.starts_on >= day:
            current.delete()
        else:
            current.ends_on = day - ONE_DAY
            current.save(update_fields=["ends_on"])
    if name:
        buddy = Buddy(child=child, name=name, starts_on=day)
        buddy.full_clean()
        buddy.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=child, request=request)
    return buddy


@transaction.atomic
def pairings_end(
    *,
    actor: User,
    child: Child,
    on: datetime.date,
    reason: str,
    kind: str | None = None,
    tasks_to: User | None = None,
    request: HttpRequest | None = None,
) -> int:
    """End the child's open pairings as of `on` because the child's place on the register
    changed: the child left it (离开名册, 毕业), moved school (转学), or the school leader did not
    carry the pairing over at the year-end handover (学年交接). Returns how many ended.

    1. Who may: this is not an arrangement of care (that is `pairing_assign`, which asks for
       PAIRING_MANAGE) but the care side of a change to the child's file. So it asks what the
       register's services ask before they change a file: CHILD_EDIT over the child's class, or
       the server operator. The register's services that call it (`child_leave`,
       `child_transfer`, `handover_apply`) have passed that gate themselves, so a role that may
       change a file but not arrange pairings still completes them; an actor who may do neither
       is refused here too. The scope is the class the pairings were made in: a transfer ends
       them before the child moves.
    2. `kind` ends only the proxy parent or only the mentor (the handover ends just the pairing
       the leader unticked); None ends every open pairing. Buddies (一帮一) are left as they are.
    3. A pairing ends on `on`, or on its first day if it began later (an end never comes before
       a start); the row stays in the history.
    4. When the proxy parent's pairing ends, the child's open home-visit tasks go to `tasks_to`
       (the head teacher of the class the child is in afterwards), as `pairing_assign` gives
       them to the head teacher when it removes a proxy parent: whoever owed them may no longer
       see the child. With nobody active to give them to they stay, and escalate by date to the
       child's school, which sees them.
    5. As `pairing_assign` does, one access-log entry for the child when something changed,
       with the reason in words (the log's query column); none when nothing was open.
    """
    child_edit_check(actor, child.school_class)
    pairings = Pairing.objects.open().filter(child=child)
    if kind is not None:
        pairings = pairings.filter(kind=kind)
    ended = 0
    proxy_ended = False
    for pairing in pairings:
        pairing.ends_on = max(on, pairing.starts_on)
        pairing.full_clean()
        pairing.save(update_fields=["ends_on"])
        ended += 1
        proxy_ended |= pairing.kind == PairingKind.PROXY_PARENT
    if proxy_ended and tasks_to is not None and tasks_to.is_active:
        _open_tasks_to(child, tasks_to)
    if ended:
        access_record(
            user=actor,
            action=AccessAction.UPDATE,
            child=child,
            query=_("结对结束：%(reason)s") % {"reason": reason},
            request=request,
        )
    return ended


# --- care actions -----------------------------------------------------------------------------


@transaction.atomic
def care_action_record(
    *,
    actor: User,
    kind: str,
    done_on: datetime.date,
    children: Sequence[Child],
    summary: str = "",
    shareable: bool = False,
    follow_up_on: datetime.date | None = None,
    tasks: Sequence[VisitTask] = (),
    period: Period | None = None,
    request: HttpRequest | None = None,
    client_id: uuid.UUID | None = None,
    share_with_parents: bool = False,
    parent_note: str = "",
) -> CareAction:
    """Record a piece of care work with one or more children (a symposium or a training session
    gathers many). Linked home-visit tasks are closed by it. Only counsellors record counselling,
    since only they may read it back (篇七, 篇十). The author marks the summary `shareable` to let
    everyone who sees the child read it; a counsellor's notes never are.

    `period` is the quota period the action is recorded for, from a worklist item: its date
    must fall within the period, and a period that has ended takes a late entry (补录) only
    for SHOUHU_LATE_ENTRY_DAYS after its end."""
    if not actor.has_perm_to(Perm.CARE_RECORD):
        raise PermissionDenied(_("您没有记录关爱活动的权限。"))
    if kind == ActionKind.COUNSELLING and not may_read_counselling(actor):
        raise PermissionDenied(_("心理辅导只能由心理辅导教师记录。"))
    children = list(dict.fromkeys(children))
    if not children:
        raise ValidationError({"children": _("请至少选择一名儿童。")})
    visible = Child.objects.restrict(actor).filter(pk__in=[c.pk for c in children]).count()
    if visible != len(children):
        raise PermissionDenied(_("所选儿童不在您的管辖范围内。"))
    errors = {}
    if done_on > _today():
        errors["done_on"] = _("日期不能晚于今天。")
    if follow_up_on is not None and follow_up_on < done_on:
        errors["follow_up_on"] = _("跟进日期不能早于活动日期。")
    if period is not None:
        errors |= _late_entry_errors(period, done_on=done_on)
    elif done_on <= _today():
        errors |= _closed_month_errors(done_on)
    child_ids = {c.pk for c in children}
    for task in tasks:
        if kind != ActionKind.HOME_VISIT:
            errors["tasks"] = _("只有家访可以完成家访任务。")
        elif task.child_id not in child_ids or task.done_on is not None:
            errors["tasks"] = _("所选家访任务已完成，或不属于所选儿童。")
        elif done_on < task.observation.noted_on:
            errors["tasks"] = _("家访日期早于发现必访信号的日期，不能完成该家访任务。")
    if errors:
        raise ValidationError(errors)
    action = CareAction(
        kind=kind,
        done_on=done_on,
        author=actor,
        summary=summary.strip(),
        shareable=shareable and care_summary_may_share(actor),
        follow_up_on=follow_up_on,
        client_id=client_id,
        share_with_parents=share_with_parents,
        parent_note=parent_note,
    )
    action.full_clean()
    action.save()
    CareActionChild.objects.bulk_create(
        CareActionChild(action=action, child=child, kind=kind, done_on=done_on)
        for child in children
    )
    for task in tasks:
        task.done_by = action
        task.done_on = done_on
        task.save(update_fields=["done_by", "done_on"])
    for child in children:
        access_record(user=actor, action=AccessAction.CREATE, child=child, request=request)
    return action


def _late_entry_errors(period: Period, *, done_on: datetime.date) -> dict[str, str]:
    """The date of an action recorded for a quota period: within the period, and while a late
    entry is still allowed."""
    days = settings.SHOUHU_LATE_ENTRY_DAYS
    if not late_entry_open(period, today=_today(), days=days):
        until = late_entry_until(period, days=days)
        return {
            "done_on": _("%(period)s的补录已于%(until)s截止，未完成的计为未完成。")
            % {"period": period.label, "until": until.strftime("%Y-%m-%d")}
        }
    if not period.contains(done_on):
        return {
            "done_on": _("请填写实际发生的日期，须在%(period)s内（%(start)s至%(end)s）。")
            % {
                "period": period.label,
                "start": period.start.strftime("%Y-%m-%d"),
                "end": period.end.strftime("%Y-%m-%d"),
            }
        }
    return {}


def _closed_month_errors(done_on: datetime.date) -> dict[str, str]:
    """An action dated in a month whose late entry has shut (the month is closed, 月度关账:
    care.closing) is refused: the same rule as a worklist's late entry, applied to the month
    of the date, so that a closed month's figures never change."""
    month = month_of(done_on)
    days = settings.SHOUHU_LATE_ENTRY_DAYS
    if late_entry_open(month, today=_today(), days=days):
        return {}
    until = late_entry_until(month, days=days)
    return {
        "done_on": _("%(month)s已关账：补录已于%(until)s截止，不能再记录该月的关爱活动。")
        % {"month": month.label, "until": until.strftime("%Y-%m-%d")}
    }


# --- signals (五必访) ---------------------------------------------------------------------------


def task_assignee_for(child: Child, *, fallback: User, day: datetime.date) -> User:
    """Who owes the visit: the proxy parent, else the head teacher, else whoever saw the sign."""
    pairing = (
        Pairing.objects.current(day)
        .filter(child=child, kind=PairingKind.PROXY_PARENT, carer__is_active=True)
        .select_related("carer")
        .order_by("-starts_on")
        .first()
    )
    return pairing.carer if pairing is not None else _head_teacher_or(child, fallback)


@transaction.atomic
def observation_record(
    *,
    actor: User,
    child: Child,
    kind: str,
    noted_on: datetime.date,
    note: str = "",
    request: HttpRequest | None = None,
    client_id: uuid.UUID | None = None,
) -> VisitTask:
    """A teacher noticed one of the five signals (五必访): record it and create the home-visit
    task, due in `SHOUHU_TASK_DUE_DAYS` days for the proxy parent (or the head teacher).
    `client_id`: the phone's id of a record made offline (`care.offline`)."""
    if not actor.has_perm_to(Perm.OBSERVATION_RECORD):
        raise PermissionDenied(_("您没有记录必访信号的权限。"))
    _check_child_in_scope(actor, child)
    if noted_on > _today():
        raise ValidationError({"noted_on": _("发现日期不能晚于今天。")})
    observation = Observation(
        child=child,
        kind=kind,
        noted_on=noted_on,
        note=note.strip(),
        author=actor,
        client_id=client_id,
    )
    observation.full_clean()
    observation.save()
    task = VisitTask(
        observation=observation,
        child=child,
        assignee=task_assignee_for(child, fallback=actor, day=_today()),
        due_on=task_due_on(noted_on, due_days=settings.SHOUHU_TASK_DUE_DAYS),
    )
    task.full_clean()
    task.save()
    access_record(user=actor, action=AccessAction.CREATE, child=child, request=request)
    # The head teacher and the assignee are told once the task is saved (shouhu.notify).
    transaction.on_commit(lambda: visit_task_tell(task_id=task.pk), robust=True)
    return task


# --- exemptions -------------------------------------------------------------------------------


@transaction.atomic
def exemption_grant(
    *,
    actor: User,
    child: Child,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    request: HttpRequest | None = None,
) -> Exemption:
    """Excuse a child from a quota (or from all, kind "") for a while, with the reason, such as
    a stay in hospital. A period the exemption touches counts as exempt unless done anyway."""
    if not actor.has_perm_to(Perm.EXEMPTION_GRANT):
        raise PermissionDenied(_("您没有批准免除的权限。"))
    if not in_scope(actor, child.school_class):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    exemption = Exemption(
        child=child,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        granted_by=actor,
    )
    exemption.full_clean()
    exemption.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=child, request=request)
    return exemption


# --- quota settings ---------------------------------------------------------------------------


def _node_kwargs(node: Region | School) -> dict:
    return {"school": node} if isinstance(node, School) else {"region": node}


def _levels_above(node: Region | School) -> list[list[QuotaRule]]:
    """The rules from the system default down to the node, without the node's own rules."""
    if isinstance(node, School):
        return quota_levels(region_code=node.region_id, school=node)[:-1]
    return quota_levels(region_code=node.code)[:-1]


def _check_may_set_quotas(actor: User, node: Region | School) -> None:
    if not actor.has_perm_to(Perm.QUOTA_MANAGE):
        raise PermissionDenied(_("您没有设置关爱要求的权限。"))
    if not in_scope(actor, node):
        raise PermissionDenied(_("该单位不在您的管辖范围内。"))


@transaction.atomic
def quota_set(*, actor: User, node: Region | School, kind: str, period: str, minimum: int) -> Quota:
    """Set a region's or school's quota of a kind. A level may tighten what the levels above ask
    but never loosen it: the refusal names the rule above."""
    _check_may_set_quotas(actor, node)
    rule = QuotaRule(kind=kind, period=period, minimum=minimum)
    above = quota_effective(_levels_above(node)).get(kind)
    if above is not None and not tightens(rule, above):
        raise ValidationError(
            _("只能提高、不能降低上级的要求：%(source)s规定%(kind)s%(period)s至少%(minimum)d次。")
            % {
                "source": above.source,
                "kind": ActionKind(kind).label,
                "period": QuotaPeriod(above.period).label,
                "minimum": above.minimum,
            }
        )
    quota = Quota.objects.filter(kind=kind, **_node_kwargs(node)).first() or Quota(
        kind=kind, **_node_kwargs(node)
    )
    quota.period, quota.minimum = period, minimum
    quota.full_clean()
    quota.save()
    return quota


@transaction.atomic
def quota_clear(*, actor: User, node: Region | School, kind: str) -> None:
    """Drop the node's own quota of a kind: the levels above apply again."""
    _check_may_set_quotas(actor, node)
    Quota.objects.filter(kind=kind, **_node_kwargs(node)).delete()


# --- absences (schooling's follow-up clock) ---------------------------------------------------


@transaction.atomic
def absence_visit_task_create(
    *, child: Child, noted_on: datetime.date, author: User, note: str = ""
) -> VisitTask:
    """An absence still unexplained at the end of the school day owes a home visit that same
    day (the township schools' 劝返制度): the same task as a 五必访 one, escalating by the same
    rules, owed by the head teacher. Raised by schooling's duty, not by a person, so it checks
    no permission; `author` is who took the roll call."""
    observation = Observation(
        child=child, kind=SignalKind.ABSENT, noted_on=noted_on, note=note.strip(), author=author
    )
    observation.full_clean()
    observation.save()
    task = VisitTask(
        observation=observation,
        child=child,
        assignee=_head_teacher_or(child, author),
        due_on=noted_on,
    )
    task.full_clean()
    task.save()
    transaction.on_commit(lambda: visit_task_tell(task_id=task.pk), robust=True)  # notify
    return task
