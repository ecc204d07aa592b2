"""Reads of reading (读书), the awards (评比表彰) and chores (家务劳动) for a user: a class's sheet,
the figures of a node and a term, and the child's own."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404

from shouhu.activities.models import Award, AwardKind, ChoreRecord, FamilyCall, ReadingRecord
from shouhu.activities.selectors.home import family_call_note_readable, left_behind_rows
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.selectors import class_filter
from shouhu.registry.models import Child

Node = Region | School | SchoolClass


@dataclass
class SheetRow:
    child: Child
    left_behind: bool
    reading: ReadingRecord | None
    chores: bool | None
    awards: list[Award] = field(default_factory=list)


def class_sheet_for(user, *, school_class: SchoolClass, term: Term) -> list[SheetRow]:
    """A class's sheet for the term: each child on the register, left-behind or not, with the
    book, the chores answer and the awards (four queries whatever the class's size)."""
    children = list(
        Child.objects.restrict(user)
        .on_register()
        .filter(school_class=school_class)
        .order_by("name_pinyin", "pk")
    )
    ids = [c.pk for c in children]
    lb = set(
        left_behind_rows(school_class, term)
        .filter(child_id__in=ids)
        .values_list("child_id", flat=True)
    )
    books = {r.child_id: r for r in ReadingRecord.objects.filter(child_id__in=ids, term=term)}
    chores = dict(
        ChoreRecord.objects.filter(child_id__in=ids, term=term).values_list(
            "child_id", "does_chores"
        )
    )
    awards: dict[int, list[Award]] = {}
    for award in Award.objects.filter(child_id__in=ids, term=term):
        awards.setdefault(award.child_id, []).append(award)
    return [
        SheetRow(
            child=c,
            left_behind=c.pk in lb,
            reading=books.get(c.pk),
            chores=chores.get(c.pk),
            awards=awards.get(c.pk, []),
        )
        for c in children
    ]


def reading_get_for(user, public_id) -> ReadingRecord:
    found = (
        ReadingRecord.objects.restrict(user)
        .filter(public_id=public_id)
        .select_related("reflection_photo", "child")
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finished:
    finished: int
    whole: int


def reading_finished_count(user, *, node: Node, term: Term) -> Finished:
    """The left-behind children of the node in the term's census, and how many finished their
    book of the term: a figure of the unit (the caller checked the node)."""
    rows = left_behind_rows(node, term)
    book = ReadingRecord.objects.filter(term=term, finished_on__isnull=False)
    counts = rows.aggregate(
        whole=Count("pk"),
        finished=Count("pk", filter=Q(child_id__in=book.values("child_id"))),
    )
    return Finished(finished=counts["finished"], whole=counts["whole"])


def not_finished_for(user, *, node: Node, term: Term) -> list[Child]:
    """The left-behind children of the node who have not finished a book this term."""
    finished = ReadingRecord.objects.filter(term=term, finished_on__isnull=False)
    return list(
        Child.objects.restrict(user)
        .on_register()
        .filter(pk__in=left_behind_rows(node, term).values("child_id"))
        .exclude(pk__in=finished.values("child_id"))
        .select_related("school_class")
        .order_by("school_class__grade", "school_class__name", "name_pinyin")
    )


@dataclass(frozen=True)
class AwardLine:
    kind: str
    title: str
    count: int
    names: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        kind = str(AwardKind(self.kind).label)
        return self.title if self.title == kind else f"{kind}·{self.title}"


def names_visible(user) -> bool:
    """Whether the reader sees children's names (the matrix's `identity` row)."""
    return visibility(user, ChildField.IDENTITY) == Visibility.FULL


def awards_summary(user, *, node: Node, term: Term, names: bool = False) -> list[AwardLine]:
    """The term's awards in the node's classes, per kind and title (a figure of the unit: the
    caller checked the node), with the names only when asked for and the reader may see
    names, and only of the children the reader sees; otherwise counts."""
    awards = Award.objects.filter(term=term).filter(
        Q(child__school_class__in=SchoolClass.objects.filter(_class_q(node)))
    )
    lines = [
        AwardLine(kind=r["kind"], title=r["title"], count=r["n"])
        for r in awards.values("kind", "title").annotate(n=Count("pk")).order_by("kind", "title")
    ]
    if not (names and names_visible(user)):
        return lines
    by_title: dict[tuple[str, str], list[str]] = {}
    seen = awards.filter(child__in=Child.objects.restrict(user))
    for kind, title, name in seen.order_by("child__name_pinyin").values_list(
        "kind", "title", "child__name"
    ):
        by_title.setdefault((kind, title), []).append(name)
    return [
        AwardLine(a.kind, a.title, a.count, tuple(by_title.get((a.kind, a.title), ())))
        for a in lines
    ]


def _class_q(node: Node) -> Q:
    return class_filter(node)


@dataclass(frozen=True)
class Chores:
    yes: int
    answered: int


def chores_count(user, *, node: Node, term: Term) -> Chores:
    """The head teachers' answers for the term in the node's classes: how many do chores (a
    figure of the unit: the caller checked the node)."""
    rows = ChoreRecord.objects.filter(
        term=term, child__school_class__in=SchoolClass.objects.filter(_class_q(node))
    )
    counts = rows.aggregate(answered=Count("pk"), yes=Count("pk", filter=Q(does_chores=True)))
    return Chores(yes=counts["yes"], answered=counts["answered"])


# --- the child's file ------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownCall:
    call: FamilyCall
    note: str  # "" when none or not readable


@dataclass
class ChildActivities:
    child: Child
    calls: list[ShownCall]
    books: list[ReadingRecord]
    awards: list[Award]
    chores: list[ChoreRecord]

    @property
    def empty(self) -> bool:
        return not (self.calls or self.books or self.awards or self.chores)


CHILD_CALLS = 5


def child_activities_for(user, *, child: Child, request=None) -> ChildActivities:
    """The child's calls from the Home (notes only where readable), books, awards and chores,
    newest first. Read for a page (`request`), it is logged like the care page when there is
    something to show."""
    calls = (
        FamilyCall.objects.restrict(user)
        .filter(child=child, minutes__isnull=False)
        .select_related("recorded_by")
        .order_by("-day", "-id")[:CHILD_CALLS]
    )
    shown = ChildActivities(
        child=child,
        calls=[ShownCall(c, c.note if family_call_note_readable(user, c) else "") for c in calls],
        books=list(
            ReadingRecord.objects.restrict(user)
            .filter(child=child)
            .select_related("term")
            .order_by("-term__starts_on")
        ),
        awards=list(
            Award.objects.restrict(user)
            .filter(child=child)
            .select_related("term")
            .order_by("-term__starts_on", "kind")
        ),
        chores=list(
            ChoreRecord.objects.restrict(user)
            .filter(child=child)
            .select_related("term")
            .order_by("-term__starts_on")
        ),
    )
    if request is not None and not shown.empty:
        access_record(user=user, action=AccessAction.VIEW, child=child, request=request)
    return shown
