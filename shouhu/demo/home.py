"""The demo's and synthetic county's Left-behind Children's Homes (issue 16): every school's
Home with the current term's roster (two swaps), the duty teachers' daily records (a few left
overdue), family calls and bookings, books, awards and chores. Deterministic from the seed,
dated relative to the demo's calendar, written with bulk_create (a 20,000-child county too)."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.activities.models import (
    Award,
    AwardKind,
    ChoreRecord,
    DutyDay,
    DutySwap,
    FamilyCall,
    Home,
    HomeDay,
    ReadingRecord,
)
from shouhu.activities.models.home import DEFAULT_FIVE_SMALL, CallWay
from shouhu.activities.models.reading import THREE_REVIEWS
from shouhu.activities.roster import roster_plan
from shouhu.activities.selectors.home_days import DUTY_ROLES, school_days
from shouhu.org.models import School, Term
from shouhu.registry.models import CensusSnapshot

ROOMS = ("一楼东侧活动室", "综合楼二楼", "图书室旁", "教学楼三楼")
HOURS = ("周一至周五 16:30-18:00", "周一至周五 12:00-13:30、16:30-17:30")
EQUIPMENT = "图书角、电脑两台、亲情电话、体育器材"
DAY_ACTIVITIES = (
    "作业辅导",
    "读书分享",
    "亲情电话",
    "手工制作",
    "观看安全教育视频",
    "象棋、跳绳",
    "心理小游戏",
    "书信：给爸爸妈妈写信",
)
FOLLOW_UPS = ("某生情绪低落，已告知班主任", "某生作业未完成，联系监护人", "")
BOOKS = ("草房子", "小王子", "稻草人", "城南旧事", "爱的教育", "青铜葵花", "西游记", "夏洛的网")
REFLECTION = "读了这本书，我懂得了要珍惜身边的亲人，也想把自己的进步告诉在外打工的爸爸妈妈。"
AWARD_REASONS = (
    "主动照顾低年级同学",
    "自理能力强，坚持每天整理内务",
    "学习进步明显",
    "热心班级事务",
    "在家帮爷爷奶奶做家务",
)
RECORDED_SHARE = 0.9  # the duty teacher records nine days in ten; the rest are overdue
CALLS_PER_CHILD = 2.0  # calls home from the Home a term so far, on average
FINISHED_SHARE, READING_SHARE = 0.7, 0.15


@dataclass
class HomeCounts:
    homes: int = 0
    duty_days: int = 0
    records: int = 0
    calls: int = 0
    books: int = 0
    awards: int = 0


def _teachers_by_school() -> dict[int, list[int]]:
    rows = (
        User.objects.filter(role__in=DUTY_ROLES, is_active=True)
        .filter(Q(scope_school__isnull=False) | Q(scope_class__isnull=False))
        .order_by("pk")
        .values_list("pk", "scope_school_id", "scope_class__school_id")
    )
    found: dict[int, list[int]] = defaultdict(list)
    for pk, school_id, class_school_id in rows:
        found[school_id or class_school_id].append(pk)
    return found


def _left_behind_by_school(term: Term) -> dict[int, list[tuple[int, int]]]:
    """(child id, class id) of the term's left-behind children, per school."""
    rows = (
        CensusSnapshot.objects.filter(term=term, education=True, child__left_on__isnull=True)
        .order_by("child_id")
        .values_list("child_id", "school_class_id", "school_class__school_id")
    )
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for child_id, class_id, school_id in rows:
        found[school_id].append((child_id, class_id))
    return found


def home_seed(*, schools: dict[str, School], term: Term, seed: int) -> HomeCounts:
    """The Homes of the county's schools and their term so far (up to yesterday)."""
    rng = random.Random(f"{seed}-home")
    today = timezone.localdate()
    counts = HomeCounts()
    teachers = _teachers_by_school()
    left_behind = _left_behind_by_school(term)
    author = User.objects.filter(role="school_leader").order_by("pk").first()
    ordered = sorted(schools.values(), key=lambda s: s.code)
    homes = Home.objects.bulk_create(
        Home(
            school=school,
            room=rng.choice(ROOMS),
            opening_hours=rng.choice(HOURS),
            equipment=EQUIPMENT,
            has_phone=True,
            has_video=i % 2 == 0,
            updated_by_id=(teachers.get(school.pk) or [author.pk])[0],
        )
        for i, school in enumerate(ordered)
    )
    counts.homes = len(homes)
    duty_days, records, calls, books, awards, chores = [], [], [], [], [], []
    for home in homes:
        staff = teachers.get(home.school_id, [])
        if len(staff) < 2:
            continue
        days = school_days(home.school, term)
        plan = roster_plan(days, staff)
        duty_days += [DutyDay(home=home, term=term, day=d, teacher_id=t) for d, t in plan]
        past = [(d, t) for d, t in plan if d < today]
        for d, t in past:
            if rng.random() < RECORDED_SHARE:
                records.append(
                    HomeDay(
                        home=home,
                        day=d,
                        activities="、".join(rng.sample(DAY_ACTIVITIES, 2)),
                        follow_up=rng.choice(FOLLOW_UPS),
                        recorded_by_id=t,
                    )
                )
        children = left_behind.get(home.school_id, [])
        for child_id, _class_id in children:
            for _n in range(rng.choices((0, 1, 2, 3, 4), weights=(2, 3, 3, 1, 1))[0]):
                if not past:
                    break
                d, t = rng.choice(past)
                calls.append(
                    FamilyCall(
                        home=home,
                        child_id=child_id,
                        parent=rng.choice(("father", "mother")),
                        way=rng.choice(CallWay.values),
                        day=d,
                        minutes=rng.randint(3, 40),
                        video=home.has_video and rng.random() < 0.3,
                        recorded_by_id=t,
                    )
                )
            draw = rng.random()
            if draw < FINISHED_SHARE + READING_SHARE and past:
                finished = draw < FINISHED_SHARE
                books.append(
                    ReadingRecord(
                        child_id=child_id,
                        term=term,
                        title=rng.choice(BOOKS),
                        finished_on=rng.choice(past)[0] if finished else None,
                        reflection=REFLECTION if finished and rng.random() < 0.6 else "",
                        recorded_by_id=staff[0],
                    )
                )
            chores.append(
                ChoreRecord(
                    child_id=child_id,
                    term=term,
                    does_chores=rng.random() < 0.8,
                    recorded_by_id=staff[0],
                )
            )
        by_class: dict[int, list[int]] = defaultdict(list)
        for child_id, class_id in children:
            by_class[class_id].append(child_id)
        for class_children in by_class.values():
            picked = rng.sample(class_children, min(3, len(class_children)))
            kinds = (
                (AwardKind.FIVE_SMALL, rng.choice(DEFAULT_FIVE_SMALL)),
                (AwardKind.THREE_REVIEWS, rng.choice(THREE_REVIEWS)),
                (AwardKind.GOOD_PARENT, str(AwardKind.GOOD_PARENT.label)),
            )
            for child_id, (kind, title) in zip(picked, kinds, strict=False):
                awards.append(
                    Award(
                        child_id=child_id,
                        term=term,
                        kind=kind,
                        title=title,
                        reason=rng.choice(AWARD_REASONS),
                        awarded_on=past[-1][0] if past else term.starts_on,
                        awarded_by_id=staff[0],
                    )
                )
    duty_days = DutyDay.objects.bulk_create(duty_days, batch_size=2000)
    _two_swaps(duty_days, teachers, rng=rng, today=today, author=author)
    records = HomeDay.objects.bulk_create(records, batch_size=2000)
    _who_came(records, left_behind, rng=rng)
    FamilyCall.objects.bulk_create(calls, batch_size=2000)
    ReadingRecord.objects.bulk_create(books, batch_size=2000)
    Award.objects.bulk_create(awards, batch_size=2000)
    ChoreRecord.objects.bulk_create(chores, batch_size=2000)
    counts.duty_days, counts.records, counts.calls = len(duty_days), len(records), len(calls)
    counts.books, counts.awards = len(books), len(awards)
    return counts


def _two_swaps(duty_days, teachers, *, rng, today: datetime.date, author) -> None:
    """Two swaps on each Home's roster: one already kept, one to come."""
    by_home: dict[int, list[DutyDay]] = defaultdict(list)
    for d in duty_days:
        by_home[d.home_id].append(d)
    swaps, changed = [], []
    for days in by_home.values():
        school_staff = teachers[days[0].home.school_id]
        before = [d for d in days if d.day < today]
        after = [d for d in days if d.day >= today]
        for pool in (before, after):
            if not pool:
                continue
            duty = rng.choice(pool)
            other = next(t for t in school_staff if t != duty.teacher_id)
            swaps.append(
                DutySwap(
                    duty_day=duty,
                    from_teacher_id=duty.teacher_id,
                    to_teacher_id=other,
                    reason=rng.choice(("外出培训", "家中有事", "监考")),
                    recorded_by_id=author.pk if author else other,
                )
            )
            duty.teacher_id = other
            changed.append(duty)
    DutySwap.objects.bulk_create(swaps)
    DutyDay.objects.bulk_update(changed, ["teacher"])


def _who_came(records, left_behind, *, rng) -> None:
    """Two to six left-behind children of the school at each recorded day."""
    through = HomeDay.children.through
    links = []
    for record in records:
        pool = left_behind.get(record.home.school_id, [])
        for child_id, _class in rng.sample(pool, min(len(pool), rng.randint(2, 6))):
            links.append(through(homeday_id=record.pk, child_id=child_id))
    through.objects.bulk_create(links, batch_size=5000)
