"""Reads of the register for a user. Every read starts from `Child.objects.restrict(user)`."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record, access_record_many
from shouhu.core.crypto import EncryptedTextField
from shouhu.core.forms import parse_id
from shouhu.core.masking import mask_id_number
from shouhu.core.pinyin import name_keys
from shouhu.core.roles import Perm
from shouhu.core.scoping import subtree_range
from shouhu.core.visibility import (
    ChildField,
    Shown,
    Visibility,
    shown_all,
    visibility,
)
from shouhu.org.models import Region, RegionLevel, School, SchoolClass, Term
from shouhu.org.selectors import class_filter, classes_for, classes_of_school, schools_under
from shouhu.org.units import node_code, user_scope_node
from shouhu.registry.flags import FLAG_FIELD, flag_hidden_message, flag_settable, flag_visible
from shouhu.registry.models import CensusSnapshot, Child, ChildFlag, Flag, Guardian, Parent


@dataclass(frozen=True)
class ChildFilters:
    term: Term | None = None
    school_class_id: int | None = None
    category: str = ""
    flag: str = ""
    q: str = ""
    include_left: bool = False


def _search_q(text: str) -> Q:
    """A name, or its pinyin initials (ljc) or full pinyin (lijiacheng), finds the child."""
    text = text.strip()
    if not text:
        return Q()
    if text.isascii():
        key = "".join(text.lower().split())
        return Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key)
    pinyin, _initials = name_keys(text)
    return Q(name__contains=text) | Q(name_pinyin__startswith=pinyin)


# The child list's class menu lists every class of a township's or a school's scope; a county's
# (800 classes), a city's or a province's (60,000) offers only the class chosen.
BOUNDED_MENU_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


@dataclass(frozen=True)
class ClassMenu:
    classes: list[SchoolClass]
    # The scope holds more classes than a menu can list: only the one chosen is offered.
    bounded: bool


def class_menu_for(user, *, chosen: object = None) -> ClassMenu:
    """The class menu of the child list: every class in the user's scope, or, for an officer of
    a county or above, the chosen class alone (when it is in scope). No query is spent on a
    menu that would not be listed; the list itself is what the filters say, whatever the menu
    offers."""
    officer = user.scope_region_id and not (user.scope_school_id or user.scope_class_id)
    if officer and user.scope_region.level in BOUNDED_MENU_LEVELS:
        pk = parse_id(chosen)
        picked = list(classes_for(user).filter(pk=pk)) if pk is not None else []
        return ClassMenu(classes=picked, bounded=True)
    return ClassMenu(classes=list(classes_for(user)), bounded=False)


def child_list_for(user, *, filters: ChildFilters) -> QuerySet[Child]:
    if filters.flag and not flag_visible(user, filters.flag):
        # Listing by a flag the user may not see would tell them who carries it.
        raise PermissionDenied(flag_hidden_message(filters.flag))
    children = Child.objects.restrict(user)
    if not filters.include_left:
        children = children.on_register()
    if filters.school_class_id:
        children = children.filter(school_class_id=filters.school_class_id)
    if filters.q:
        children = children.filter(_search_q(filters.q))
    if filters.term is not None:
        snapshots = CensusSnapshot.objects.filter(term=filters.term)
        if filters.category:
            snapshots = snapshots.filter(category=filters.category)
        if filters.flag:
            snapshots = snapshots.filter(**{filters.flag: True})
        if filters.category or filters.flag:
            children = children.filter(pk__in=snapshots.values("child_id"))
        children = children.prefetch_related(
            Prefetch(
                "snapshots",
                queryset=CensusSnapshot.objects.filter(term=filters.term),
                to_attr="term_snapshots",
            )
        )
    elif filters.flag:
        flagged = ChildFlag.objects.open().filter(flag=filters.flag)
        children = children.filter(pk__in=flagged.values("child_id"))
    return children.select_related("school_class__school").order_by("name_pinyin", "id")


def child_list_page_for(
    user,
    *,
    filters: ChildFilters,
    shown: Mapping[str, Any],
    page: int = 1,
    per_page: int = 50,
    request=None,
) -> Page:
    """One page of the child list for `user`; the search is logged (`search`) with the filters
    as `shown` (the form's parsed values) and how many children it found. A filter on a flag
    the user may not see is refused (PermissionDenied) and the refusal logged (`denied`)."""
    if filters.flag and not flag_visible(user, filters.flag):
        access_record(
            user=user,
            action=AccessAction.DENIED,
            query=_list_query_text(shown, count=0),
            request=request,
        )
        raise PermissionDenied(flag_hidden_message(filters.flag))
    listed = Paginator(child_list_for(user, filters=filters), per_page=per_page).get_page(page)
    access_record(
        user=user,
        action=AccessAction.SEARCH,
        query=_list_query_text(shown, count=listed.paginator.count),
        request=request,
    )
    return listed


def _list_query_text(params: Mapping[str, Any], *, count: int) -> str:
    """The list's filters as the access log keeps them, with the number of children listed."""
    parts = [f"{key}={value}" for key, value in params.items() if value]
    return f"{' '.join(parts) or '（全部）'} → {count}"


def child_get_for(user, public_id) -> Child:
    """One child's file, or 404 when it is outside the user's scope (or does not exist)."""
    child = (
        Child.objects.restrict(user)
        .select_related("school_class__school__region", "guardian", "home_region")
        .prefetch_related(
            Prefetch("parents", queryset=Parent.objects.order_by("role")),
            Prefetch("flags", queryset=ChildFlag.objects.order_by("-since")),
            Prefetch(
                "snapshots", queryset=CensusSnapshot.objects.select_related("term", "school_class")
            ),
        )
        .filter(public_id=public_id)
        .first()
    )
    if child is None:
        raise Http404
    return child


@dataclass(frozen=True)
class FamilyMember:
    """A parent as the file shows them to its reader: phone and employer as the matrix says."""

    parent: Parent
    phone: Shown
    employer: Shown


@dataclass(frozen=True)
class ChildFileActions:
    """What the reader may do from the file. A child who left (or graduated) keeps a read-only
    file: no edit, leave or transfer, and no flag to set."""

    edit: bool
    leave: bool
    transfer: bool
    # 心理问题 is set and cleared here by whoever may (the counsellor): see registry.flags.
    # Each settable flag with whether it is open now.
    flags: list[tuple[Flag, bool]]
    # Some family phone is masked for the reader: the cards can be printed in full, with a reason.
    cards_in_full: bool


@dataclass(frozen=True)
class ChildFile:
    """The child's file (档案) as one reader sees one tab of it. The rows are read once: the
    child with class, school and guardian, then parents, flags and snapshots. The basic tab's
    关爱 section is care's own fragment (`care:child-care-section`), fetched by the page."""

    child: Child
    tab: str
    fields: dict[str, Shown]
    family: list[FamilyMember]
    guardian: Guardian | None
    open_flags: list[str]
    # Newest term first.
    snapshots: list[CensusSnapshot]
    may: ChildFileActions
    show_history: bool
    # The history tab's changes, newest first.
    history: list[dict] | None = None


def child_file_for(user, *, public_id, tab: str, request=None) -> ChildFile:
    """The child's file for `user`, or 404 outside their scope; opening it is logged (`view`).

    What each field shows is decided in one place (`core.visibility`); this only reads."""
    child = _file_child(user, public_id)
    access_record(user=user, action=AccessAction.VIEW, child=child, request=request)
    fields = shown_all(user, child)
    on_register = child.left_on is None
    open_flags = [f.flag for f in child.open_flags]  # type: ignore[attr-defined]
    show_history = visibility(user, ChildField.HISTORY) != Visibility.HIDDEN
    return ChildFile(
        child=child,
        tab=tab,
        fields=fields,
        family=[
            FamilyMember(
                parent=parent,
                phone=fields[f"{parent.role}_phone"],
                employer=fields[f"{parent.role}_employer"],
            )
            for parent in child.parents.all()
        ],
        guardian=getattr(child, "guardian", None),
        open_flags=[str(Flag(flag).label) for flag in open_flags if flag_visible(user, flag)],
        snapshots=sorted(child.snapshots.all(), key=lambda s: s.term.starts_on, reverse=True),
        may=ChildFileActions(
            edit=on_register and user.has_perm_to(Perm.CHILD_EDIT),
            leave=on_register and user.has_perm_to(Perm.CHILD_EDIT),
            transfer=on_register and user.has_perm_to(Perm.HANDOVER),
            flags=[
                (Flag(flag), flag in open_flags)
                for flag in FLAG_FIELD
                if on_register and flag_settable(user, flag)
            ],
            cards_in_full=any(
                fields[target].state == Visibility.MASKED
                for target in ("father_phone", "mother_phone", "guardian_phone")
            ),
        ),
        show_history=show_history,
        history=child_history_for(user, child) if tab == "history" and show_history else None,
    )


def _file_child(user, public_id) -> Child:
    """The child as the file reads it, or 404 outside the user's scope: with class, school and
    guardian, then parents, open flags (`open_flags`) and snapshots, four queries. Only what
    the page shows: no region, no closed flag."""
    child = (
        Child.objects.restrict(user)
        .select_related("school_class__school", "guardian")
        .prefetch_related(
            Prefetch("parents", queryset=Parent.objects.order_by("role")),
            Prefetch(
                "flags", queryset=ChildFlag.objects.open().order_by("-since"), to_attr="open_flags"
            ),
            Prefetch(
                "snapshots", queryset=CensusSnapshot.objects.select_related("term", "school_class")
            ),
        )
        .filter(public_id=public_id)
        .first()
    )
    if child is None:
        raise Http404
    return child


def _shown(field, value) -> str:
    """How a past value appears in the history: labels for choices, sensitive fields masked."""
    if value in (None, ""):
        return "—"
    if field.name == "id_number":
        return mask_id_number(value)
    if isinstance(field, EncryptedTextField):
        return _("（敏感信息，不显示）")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(field.related_model.objects.filter(pk=value).first() or value)
    return str(value)


def child_history_for(user, child: Child) -> list[dict]:
    """The file's changes, newest first: when, who, which record (the child, a parent, the
    guardian) and which fields went from what to what."""
    chains: list[tuple[Any, str, Any]] = [(Child, "", Child.history.filter(id=child.pk))]
    for parent in Parent.objects.filter(child=child):
        chains.append((Parent, parent.get_role_display(), Parent.history.filter(id=parent.pk)))
    guardian = Guardian.objects.filter(child=child).first()
    if guardian is not None:
        chains.append((Guardian, _("监护人"), Guardian.history.filter(id=guardian.pk)))
    entries = []
    for model, label, history in chains:
        records = list(history.select_related("history_user").order_by("-history_id"))
        for newer, older in zip(records, records[1:] + [None], strict=True):
            entries.append(
                {
                    "at": newer.history_date,
                    "user": newer.history_user,
                    "record": label,
                    "kind": newer.get_history_type_display(),
                    "changes": [] if older is None else _changes(model, newer, older),
                }
            )
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries


def _changes(model, newer, older) -> list[dict]:
    changes = []
    for change in newer.diff_against(older).changes:
        field: Any = model._meta.get_field(change.field)
        changes.append(
            {
                "field": field.verbose_name,
                "old": _shown(field, change.old),
                "new": _shown(field, change.new),
            }
        )
    return changes


def child_count_for(user) -> int:
    """Children on the register within the user's scope."""
    return Child.objects.restrict(user).on_register().count()


# A batch of contact cards is one PDF; a county's thousands of pages would tie up the server for
# minutes, so a batch stops at a township's size and asks for a smaller one beyond.
CONTACT_CARD_BATCH_MAX = 600


def contact_card_children_for(user, *, public_id=None, node=None) -> list[Child]:
    """The children whose contact cards the user may print: one child, or the children on
    register of a node (a class, a school, a township or village) inside the user's scope;
    404 when there is none."""
    children = Child.objects.restrict(user).select_related(
        "school_class__school__region__parent", "school_class__head_teacher", "guardian"
    )
    if public_id is not None:
        children = children.filter(public_id=public_id)
    else:
        children = children.on_register().filter(class_filter(node, "school_class__"))
    result = list(children.prefetch_related("parents", "pairings__carer").order_by("name_pinyin"))
    if not result:
        raise Http404
    return result


def contact_cards_print_for(
    user, *, children: list[Child], revealed: frozenset[int] = frozenset(), request=None
) -> bytes:
    """The children's contact cards as one PDF, phones as the user may print them (in full for
    the children in `revealed`, whose reveal `audit.services.card_phones_reveal` logged).
    Every card printed is logged (`print`). The children come from `contact_card_children_for`."""
    # WeasyPrint takes most of a second to import: only a print pays for it.
    from shouhu.registry.contact_card import contact_cards_pdf

    access_record_many(
        user=user,
        action=AccessAction.PRINT,
        child_ids=[child.pk for child in children],
        request=request,
    )
    return contact_cards_pdf(children, reader=user, revealed=revealed)


@dataclass(frozen=True)
class ContactCardsPage:
    """What the print page offers: the batches the user may print, by node code, and whether
    a reason can print the family's phones in full (the user's cell masks them)."""

    scopes: dict[str, Region | School | SchoolClass]
    cards_in_full: bool


def contact_cards_page_for(user) -> ContactCardsPage:
    return ContactCardsPage(
        scopes={node_code(node): node for node in contact_card_scopes_for(user)},
        cards_in_full=visibility(user, ChildField.FAMILY_PHONE) == Visibility.MASKED,
    )


def contact_card_scopes_for(user) -> list:
    """The batches the user may print, largest first: their township or village (or, for a
    county, each township), each school and each class inside their scope."""
    scope = user_scope_node(user)
    if scope is None:
        return []
    if isinstance(scope, SchoolClass):
        return [scope]
    if isinstance(scope, School):
        return [scope, *classes_of_school(scope)]
    if scope.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        regions = [scope]
    else:
        regions = list(
            Region.objects.filter(
                level=RegionLevel.TOWNSHIP, code__range=subtree_range(scope.prefix)
            ).order_by("code")
        )
    schools = list(schools_under(scope).order_by("code"))
    if scope.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        return [*regions, *schools]  # a county's classes are too many to list: print by school
    return [*regions, *schools, *classes_for(user).filter(school__in=schools)]
