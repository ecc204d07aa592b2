"""A realistic year of aid (资助·救助) for the demo and the synthetic county: the children in
hardship (贫困, 低保, a parent dead or unable to care) receive the grant, 低保 and the
nutrition plan each term, a few temporary or medical relief and donations; some are left
without aid this term (the hints show them). In the demo head teacher's class one proposal
waits for the school leader and one was rejected, and the demo school's 公示 has its period.

Deterministic from the seed; dates within each term, up to yesterday. Written with
bulk_create: the synthetic county of 20,000 children takes about a second more. The demo has
one school-leader account, which signs every school's reviews; civil affairs' decisions are the
demo township's officer's in that township and the county officer's elsewhere.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from shouhu.org.models import Term
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import Child, ChildFlag, Flag, Parent
from shouhu.welfare.models.aid import AidKind, AidNotice, AidRecord, AidStatus

ONE_DAY = datetime.timedelta(days=1)
# Per term, in 元: the living allowance of a boarder in hardship (primary 1000 and junior 1250
# a year), the nutrition plan (5 元 a school day), 低保 and 特困 for six months.
GRANT = {True: Decimal("625.00"), False: Decimal("500.00")}
NUTRITION = Decimal("800.00")
LOW_INCOME = Decimal("1800.00")
EXTREME = Decimal("3000.00")
SOURCES = {
    AidKind.HARDSHIP_GRANT: "县学生资助管理中心",
    AidKind.NUTRITION: "农村义务教育学生营养改善计划",
    AidKind.LOW_INCOME: "乡镇民政办",
    AidKind.EXTREME_POVERTY: "县民政局",
    AidKind.TEMPORARY_RELIEF: "乡镇民政办",
    AidKind.MEDICAL_RELIEF: "县医疗保障局",
    AidKind.DONATION: "县慈善总会爱心助学",
}
REASONS = {
    AidKind.HARDSHIP_GRANT: ("家庭经济困难，父母外出务工收入低", "父亲病故，母亲外出务工"),
    AidKind.NUTRITION: ("寄宿生，家庭经济困难",),
    AidKind.LOW_INCOME: ("家庭为低保户，申请续保",),
    AidKind.EXTREME_POVERTY: ("父母双亡，由年迈祖父母照顾",),
    AidKind.TEMPORARY_RELIEF: ("家中房屋受损，生活临时困难", "母亲突发重病，家庭临时困难"),
    AidKind.MEDICAL_RELIEF: ("儿童住院治疗，医疗费用负担重",),
    AidKind.DONATION: ("品学兼优，家庭困难",),
}


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def aid_write(
    *, terms: list[Term], users: dict, township_prefix: str, head_class_id: int, seed: int
) -> int:
    """Write the aid of `terms` (oldest first, the current one last); return how many rows."""
    rng = random.Random(f"aid-{seed}")
    today = timezone.localdate()
    yesterday = today - ONE_DAY
    leader, head = users["leader"], users["head"]
    township, county = users["township"], users["county"]
    children = list(
        Child.objects.filter(left_on__isnull=True)
        .select_related("school_class__school__region", "school_class__head_teacher")
        .order_by("pk")
    )
    flags: dict[int, set[str]] = {}
    for child_id, flag in (
        ChildFlag.objects.open()
        .filter(flag__in=(Flag.POVERTY, Flag.LOW_INCOME))
        .values_list("child_id", "flag")
    ):
        flags.setdefault(child_id, set()).add(flag)
    orphaned = set(
        Parent.objects.filter(
            status__in=(ParentStatus.DECEASED, ParentStatus.INCAPABLE)
        ).values_list("child_id", flat=True)
    )
    rows: list[AidRecord] = []
    for index, term in enumerate(terms):
        current = index == len(terms) - 1
        first = term.starts_on
        last = max(first, min(term.ends_on, yesterday))
        for child in children:
            hardship = flags.get(child.pk, set())
            if not hardship and child.pk not in orphaned:
                continue
            if current and rng.random() < 0.15:
                continue  # not yet helped this term: the eligibility hints show them
            school_class = child.school_class
            in_township = school_class.school.region_id.startswith(township_prefix)
            civil_officer = township if in_township else county
            proposer = school_class.head_teacher or head
            kinds = [AidKind.HARDSHIP_GRANT]
            if child.boarding:
                kinds.append(AidKind.NUTRITION)
            if Flag.LOW_INCOME in hardship:
                kinds.append(AidKind.LOW_INCOME)
            if child.pk in orphaned and rng.random() < 0.2:
                kinds.append(AidKind.EXTREME_POVERTY)
            if rng.random() < 0.04:
                kinds.append(AidKind.TEMPORARY_RELIEF)
            if rng.random() < 0.02:
                kinds.append(AidKind.MEDICAL_RELIEF)
            if rng.random() < 0.06:
                kinds.append(AidKind.DONATION)
            for kind in kinds:
                amount = {
                    AidKind.HARDSHIP_GRANT: GRANT[school_class.grade >= 7],
                    AidKind.NUTRITION: NUTRITION,
                    AidKind.LOW_INCOME: LOW_INCOME,
                    AidKind.EXTREME_POVERTY: EXTREME,
                    AidKind.TEMPORARY_RELIEF: Decimal(rng.choice((1000, 1500, 2000, 3000))),
                    AidKind.MEDICAL_RELIEF: Decimal(rng.choice((3000, 5000, 8000))),
                    AidKind.DONATION: Decimal(rng.choice((200, 300, 500))),
                }[kind]
                proposed = _day(rng, first, min(last, first + datetime.timedelta(days=30)))
                reviewed = min(last, proposed + datetime.timedelta(days=rng.randint(2, 10)))
                decided = min(last, reviewed + datetime.timedelta(days=rng.randint(3, 20)))
                civil = kind in (
                    AidKind.LOW_INCOME,
                    AidKind.EXTREME_POVERTY,
                    AidKind.TEMPORARY_RELIEF,
                    AidKind.MEDICAL_RELIEF,
                )
                if not civil:
                    decided = reviewed
                paid = min(last, decided + datetime.timedelta(days=rng.randint(5, 25)))
                rows.append(
                    AidRecord(
                        child=child,
                        school_class=school_class,
                        term=term,
                        kind=kind,
                        amount=amount,
                        source=SOURCES[kind],
                        reason=rng.choice(REASONS[kind]),
                        status=AidStatus.APPROVED,
                        proposed_by=proposer,
                        proposed_on=proposed,
                        reviewed_by=leader,
                        reviewed_on=reviewed,
                        review_note="同意",
                        decided_by=civil_officer if civil else leader,
                        decided_on=decided,
                        decision_note="符合条件" if civil else "同意",
                        paid_on=paid,
                    )
                )
    rows += _current_cases(terms[-1], children, head_class_id, head, leader, yesterday)
    AidRecord.objects.bulk_create(rows, batch_size=1000)
    demo_school = leader.scope_school_id
    if demo_school is not None:
        for term in terms:
            starts = min(max(term.starts_on + datetime.timedelta(days=40), term.starts_on), today)
            AidNotice.objects.get_or_create(
                school_id=demo_school,
                term=term,
                defaults={
                    "starts_on": starts,
                    "ends_on": starts + datetime.timedelta(days=6),
                    "set_by": leader,
                },
            )
    return len(rows)


def _current_cases(term, children, head_class_id, head, leader, yesterday) -> list[AidRecord]:
    """In the demo head teacher's class, this term: a proposal waiting for the school leader
    and one the school leader rejected."""
    pupils = [c for c in children if c.school_class_id == head_class_id]
    if len(pupils) < 2:
        return []
    day = max(term.starts_on, min(term.ends_on, yesterday))
    waiting, rejected = pupils[-1], pupils[-2]
    return [
        AidRecord(
            child=waiting,
            school_class=waiting.school_class,
            term=term,
            kind=AidKind.TEMPORARY_RELIEF,
            amount=Decimal("2000.00"),
            source=SOURCES[AidKind.TEMPORARY_RELIEF],
            reason="爷爷摔伤住院，家中无劳动力，生活临时困难",
            proposed_by=head,
            proposed_on=day,
        ),
        AidRecord(
            child=rejected,
            school_class=rejected.school_class,
            term=term,
            kind=AidKind.HARDSHIP_GRANT,
            amount=GRANT[rejected.school_class.grade >= 7],
            source=SOURCES[AidKind.HARDSHIP_GRANT],
            reason="父母外出务工，家庭收入一般",
            status=AidStatus.REJECTED,
            proposed_by=head,
            proposed_on=day,
            reviewed_by=leader,
            reviewed_on=day,
            review_note="经核实家庭收入不属于困难家庭，暂不予资助",
            decided_by=leader,
            decided_on=day,
            decision_note="经核实家庭收入不属于困难家庭，暂不予资助",
        ),
    ]


def aid_seed(plan, *, county, seed: int) -> int:
    """`aid_write` for a county just written by `demo_seed` or `synth_seed`."""
    return aid_write(
        terms=[county.terms[t[0]] for t in plan.calendar.terms],
        users=county.users,
        township_prefix=plan.layout.demo_township,
        head_class_id=county.classes[plan.head_class_key].pk,
        seed=seed,
    )
