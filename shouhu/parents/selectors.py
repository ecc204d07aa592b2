"""What a parent reads: only their own children, and of them only what the privacy matrix gives
a parent (`shouhu.core.visibility.PARENT_MAY_READ`): the news the school chose to share, event
photos with consent, interest groups, grades where the school turned them on, their messages and
the guardian agreement. Never counselling, health, the assessment or another child.

Every function takes the child ids of the parent's session (`shouhu.parents.session`): a child
outside them is a 404, as a staff row outside the scope is."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from shouhu.activities.models import EventPhoto, GroupMembership
from shouhu.activities.selectors.consent import consenting_ids
from shouhu.care.models import PARENT_NEVER_KINDS, CareActionChild, Pairing, PairingKind
from shouhu.core.crypto import blind_index
from shouhu.org.selectors import term_current
from shouhu.parents.models import AgreementConfirmation, ParentMessage
from shouhu.registry.models import Child, Parent
from shouhu.schooling.models import GradeResult
from shouhu.welfare.models import GuardianAgreement

NEWS_LIMIT = 10
PHOTOS_LIMIT = 12
MESSAGES_LIMIT = 10


def _newest_per_child(queryset, *, order: list[str], limit: int):
    """The queryset cut to each child's `limit` newest rows (a window: one query, and a child
    with much news does not crowd out a sibling's)."""
    rank = Window(
        RowNumber(),
        partition_by=[F("child_id")],
        order_by=[OrderBy(F(o.lstrip("-")), descending=o.startswith("-")) for o in order],
    )
    return queryset.annotate(rank=rank).filter(rank__lte=limit).order_by(*order)


def phone_index_of(phone: str) -> str:
    return blind_index(phone)


def children_ids_for_index(phone_index: str) -> set[int]:
    """The children in school whose file carries the number (a father or a mother)."""
    if not phone_index:
        return set()
    return set(
        Parent.objects.filter(phone_index=phone_index, child__left_on__isnull=True).values_list(
            "child_id", flat=True
        )
    )


def parent_rows_for(phone_index: str, child_ids: Iterable[int]) -> list[Parent]:
    return list(Parent.objects.filter(phone_index=phone_index, child_id__in=list(child_ids)))


def parent_child(child_ids: Iterable[int], public_id) -> Child:
    """One of the parent's children by its public id; any other child is a 404."""
    child = (
        Child.objects.filter(pk__in=list(child_ids), public_id=public_id)
        .select_related("school_class__school")
        .first()
    )
    if child is None:
        raise Http404
    return child


@dataclass(frozen=True)
class NewsItem:
    done_on: datetime.date
    kind: str
    note: str


@dataclass(frozen=True)
class PhotoItem:
    public_id: str
    title: str
    held_on: datetime.date


@dataclass(frozen=True)
class GradeItem:
    exam: str
    subject: str
    score: str
    full_mark: int


@dataclass(frozen=True)
class MessageItem:
    public_id: str
    body: str
    sent_at: datetime.datetime
    reply: str
    replied_by: str
    replied_at: datetime.datetime | None


@dataclass
class ChildPage:
    """One child as their parent sees them."""

    child: Child
    school: str
    school_phone: str
    class_name: str
    head_teacher: str
    proxy_parent: str
    news: list[NewsItem] = field(default_factory=list)
    photos: list[PhotoItem] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    grades: list[GradeItem] | None = None
    grades_term: str = ""
    messages: list[MessageItem] = field(default_factory=list)


def children_for(child_ids: Iterable[int]) -> list[Child]:
    return list(
        Child.objects.filter(pk__in=list(child_ids))
        .select_related("school_class__school", "school_class__head_teacher")
        .order_by("birth_date", "pk")
    )


def news_for(child_ids: Iterable[int], *, limit: int = NEWS_LIMIT) -> dict[int, list[NewsItem]]:
    """The care actions marked 可告知家长, newest first: the short text only, never the summary
    (which is not even read from the database)."""
    ids = list(child_ids)
    links = CareActionChild.objects.filter(
        child_id__in=ids,
        action__share_with_parents=True,
    ).exclude(kind__in=PARENT_NEVER_KINDS)
    links = _newest_per_child(links, order=["-done_on", "-action_id"], limit=limit)
    news: dict[int, list[NewsItem]] = {pk: [] for pk in ids}
    for child_id, done_on, kind, note in links.values_list(
        "child_id", "done_on", "kind", "action__parent_note"
    ):
        news[child_id].append(NewsItem(done_on=done_on, kind=kind, note=note))
    return news


def photos_for(
    child_ids: Iterable[int], *, limit: int = PHOTOS_LIMIT
) -> dict[int, list[PhotoItem]]:
    """Event photos the child is in, only while the child's latest consent is a yes."""
    ids = list(child_ids)
    consenting = consenting_ids(ids)
    photos: dict[int, list[PhotoItem]] = {pk: [] for pk in ids}
    if not consenting:
        return photos
    through = EventPhoto.children.through
    rows = _newest_per_child(
        through.objects.filter(child_id__in=consenting),
        order=["-eventphoto__event__held_on", "-eventphoto_id"],
        limit=limit,
    ).values_list(
        "child_id",
        "eventphoto__public_id",
        "eventphoto__event__title",
        "eventphoto__event__held_on",
    )
    for child_id, public_id, title, held_on in rows:
        photos[child_id].append(PhotoItem(public_id=str(public_id), title=title, held_on=held_on))
    return photos


def photo_for(child_ids: Iterable[int], public_id) -> tuple[EventPhoto, Child]:
    """A photo one of the parent's children is in, with that child's consent; else a 404."""
    ids = list(child_ids)
    photo = EventPhoto.objects.filter(public_id=public_id).select_related("attachment").first()
    if photo is None:
        raise Http404
    in_photo = set(photo.children.filter(pk__in=ids).values_list("pk", flat=True))
    allowed = consenting_ids(in_photo)
    if not allowed:
        raise Http404
    return photo, Child.objects.get(pk=min(allowed))


def groups_for(
    child_ids: Iterable[int], *, day: datetime.date | None = None
) -> dict[int, list[str]]:
    """The interest groups each child belongs to today."""
    day = day or timezone.localdate()
    ids = list(child_ids)
    groups: dict[int, list[str]] = {pk: [] for pk in ids}
    rows = (
        GroupMembership.objects.filter(child_id__in=ids, joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .filter(group__closed_on__isnull=True)
        .order_by("group__name")
        .values_list("child_id", "group__name")
    )
    for child_id, name in rows:
        groups[child_id].append(name)
    return groups


def grades_for(child: Child) -> tuple[list[GradeItem] | None, str]:
    """The child's results of the current term (else the latest term with any), only when the
    school shows grades to parents; None when it does not."""
    if not child.school_class.school.grades_to_parents:
        return None, ""
    results = GradeResult.objects.filter(child=child)
    term = term_current()
    if term is not None and not results.filter(term=term).exists():
        latest = results.order_by("-term__starts_on").values_list("term_id", flat=True).first()
        term = None if latest is None else type(term).objects.get(pk=latest)
    if term is None:
        return [], ""
    rows = results.filter(term=term).order_by("exam", "subject")
    return [
        GradeItem(
            exam=r.get_exam_display(),
            subject=r.get_subject_display(),
            score=f"{r.score:g}",
            full_mark=r.full_mark,
        )
        for r in rows
    ], str(term)


def messages_for(
    child_ids: Iterable[int], parent_ids: Iterable[int], *, limit: int = MESSAGES_LIMIT
) -> dict[int, list[MessageItem]]:
    """The parent's own messages (not the other parent's) with the replies."""
    ids = list(child_ids)
    out: dict[int, list[MessageItem]] = {pk: [] for pk in ids}
    rows = _newest_per_child(
        ParentMessage.objects.filter(child_id__in=ids, parent_id__in=list(parent_ids)),
        order=["-sent_at", "-id"],
        limit=limit,
    ).select_related("replied_by")
    for m in rows:
        out[m.child_id].append(
            MessageItem(
                public_id=str(m.public_id),
                body=m.body,
                sent_at=m.sent_at,
                reply=m.reply,
                replied_by=str(m.replied_by) if m.replied_by else "",
                replied_at=m.replied_at,
            )
        )
    return out


def proxy_parents_for(child_ids: Iterable[int]) -> dict[int, str]:
    """Each child's current proxy parent (代理家长), by name."""
    rows = (
        Pairing.objects.current(timezone.localdate())
        .filter(kind=PairingKind.PROXY_PARENT, child_id__in=list(child_ids))
        .select_related("carer")
        .order_by("starts_on")
    )
    return {p.child_id: str(p.carer) for p in rows}


def home_for(phone_index: str, child_ids: Iterable[int]) -> list[ChildPage]:
    """The parent's home page: every child of theirs with the news, groups and messages."""
    children = children_for(child_ids)
    ids = [c.pk for c in children]
    parents = parent_rows_for(phone_index, ids)
    news = news_for(ids, limit=3)
    groups = groups_for(ids)
    messages = messages_for(ids, [p.pk for p in parents], limit=1)
    proxies = proxy_parents_for(ids)
    pages = []
    for child in children:
        head = child.school_class.head_teacher
        pages.append(
            ChildPage(
                child=child,
                school=child.school_class.school.name,
                school_phone=child.school_class.school.contact_phone,
                class_name=child.school_class.name,
                head_teacher=str(head) if head else "",
                proxy_parent=proxies.get(child.pk, ""),
                news=news[child.pk],
                groups=groups[child.pk],
                messages=messages[child.pk],
            )
        )
    return pages


def child_page_for(phone_index: str, child: Child) -> ChildPage:
    """One child's page: all the news, photos, groups, grades and the messages."""
    parents = parent_rows_for(phone_index, [child.pk])
    head = child.school_class.head_teacher
    grades, grades_term = grades_for(child)
    return ChildPage(
        child=child,
        school=child.school_class.school.name,
        school_phone=child.school_class.school.contact_phone,
        class_name=child.school_class.name,
        head_teacher=str(head) if head else "",
        proxy_parent=proxy_parents_for([child.pk]).get(child.pk, ""),
        news=news_for([child.pk])[child.pk],
        photos=photos_for([child.pk])[child.pk],
        groups=groups_for([child.pk])[child.pk],
        grades=grades,
        grades_term=grades_term,
        messages=messages_for([child.pk], [p.pk for p in parents])[child.pk],
    )


@dataclass(frozen=True)
class AgreementView:
    agreement: GuardianAgreement
    confirmed_at: datetime.datetime | None


def agreement_for(phone_index: str, child: Child) -> AgreementView | None:
    """The child's newest guardian agreement and whether this parent confirmed it."""
    agreement = GuardianAgreement.objects.filter(child=child).order_by("-starts_on", "-pk").first()
    if agreement is None:
        return None
    parents = parent_rows_for(phone_index, [child.pk])
    confirmation = (
        AgreementConfirmation.objects.filter(agreement=agreement, parent__in=parents)
        .order_by("confirmed_at")
        .first()
    )
    return AgreementView(
        agreement=agreement, confirmed_at=confirmation.confirmed_at if confirmation else None
    )


# --- the staff's side: parents' messages on 我的待办 --------------------------------------------


def unanswered_messages_for(user) -> list[ParentMessage]:
    """Parents' messages waiting for a reply, for a user who is the child's head teacher or
    current proxy parent."""
    proxy = Pairing.objects.current(timezone.localdate()).filter(
        child_id=OuterRef("child_id"), carer=user, kind=PairingKind.PROXY_PARENT
    )
    return list(
        ParentMessage.objects.restrict(user)
        .filter(replied_at__isnull=True)
        .filter(Q(child__school_class__head_teacher=user) | Q(Exists(proxy)))
        .select_related("child__school_class", "parent")
        .order_by("sent_at", "id")[:50]
    )


def message_for_reply(user, public_id) -> ParentMessage:
    message = (
        ParentMessage.objects.restrict(user)
        .filter(public_id=public_id)
        .select_related("child__school_class__school", "parent")
        .first()
    )
    if message is None:
        raise Http404
    return message
