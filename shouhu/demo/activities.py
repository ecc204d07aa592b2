"""The demo's and the synthetic county's activities (issue 16) for the current term, up to
yesterday, written in bulk and deterministic from the seed:

- in every school, the term's festival events (中秋, 国庆, 冬至, 元旦 in autumn; 植树节, 五四,
  六一 in spring) that have happened, and a sports day six weeks in, each with most children;
- six interest groups per school, most children on the register in one from the term's start,
  and a weekly session of each with about nine in ten members present;
- the guardians' photo consent of most children, recorded by the head teacher at the start.

Dates are the demo calendar's (`shouhu.demo.terms`): month and day within the current term's
years, never a fixed date.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from shouhu.accounts.models import User
from shouhu.activities.models import (
    Event,
    EventChild,
    EventKind,
    EventStaff,
    GroupMembership,
    InterestGroup,
    Organiser,
    PhotoConsent,
)
from shouhu.demo.terms import AUTUMN, DemoCalendar
from shouhu.org.models import School, SchoolClass
from shouhu.registry.models import Child

BATCH = 2000
# (month, day, title) of the festivals a term may hold: the autumn term's, then the spring's.
FESTIVALS = {
    AUTUMN: (
        (9, 17, "中秋节·做月饼"),
        (9, 30, "国庆节·我爱祖国"),
        (12, 21, "冬至·包饺子"),
        (12, 31, "元旦联欢会"),
    ),
    2: ((3, 12, "植树节·种下小树苗"), (5, 4, "五四青年节·诗歌朗诵"), (6, 1, "六一儿童节游园")),
}
GROUPS = (
    ("书法小组", "二楼美术室"),
    ("绘画小组", "美术室"),
    ("合唱团", "音乐室"),
    ("篮球队", "操场"),
    ("阅读小组", "图书室"),
    ("剪纸小组", "留守儿童之家"),
)
CONSENT_SHARE = 0.85
TAKE_PART = 0.8
PRESENT = 0.9
JOIN = 0.95  # the few left out are the interest-group page's list of children to place


def _festival_days(calendar: DemoCalendar) -> list[tuple[datetime.date, str]]:
    _code, start_year, semester, starts_on, _ends_on = calendar.current
    days = []
    for month, dom, title in FESTIVALS[semester]:
        year = start_year if month >= 9 else start_year + 1
        day = datetime.date(year, month, dom)
        if starts_on <= day <= calendar.yesterday:
            days.append((day, title))
    sports_day = starts_on + datetime.timedelta(weeks=6)
    if sports_day <= calendar.yesterday:
        days.append((sports_day, "秋季运动会" if semester == AUTUMN else "春季运动会"))
    return sorted(days)


def activities_seed(county, *, calendar: DemoCalendar, seed: int) -> int:
    """Write the term's events, groups, memberships, sessions and consents of a county just
    written (`demo.services.County`); the 人次 written."""
    schools: dict[str, School] = county.schools
    classes: dict[str, SchoolClass] = county.classes
    children: list[Child] = county.records
    users: dict[str, User] = county.users
    rng = random.Random(f"activities-{seed}")
    starts_on = calendar.current[3]
    by_school: dict[int, list[Child]] = defaultdict(list)
    school_of_class = {c.pk: c.school_id for c in classes.values()}
    for child in children:
        if child.left_on is None:
            by_school[school_of_class[child.school_class_id]].append(child)
    staff_of: dict[int, list[User]] = defaultdict(list)
    for school_class in classes.values():
        if school_class.head_teacher is not None:
            staff_of[school_class.school_id].append(school_class.head_teacher)
    volunteer = users.get("volunteer")
    festivals = _festival_days(calendar)

    # 1. Consent, recorded by each class's head teacher on the first day.
    consents = [
        PhotoConsent(
            child=child,
            consented=rng.random() < CONSENT_SHARE,
            decided_on=starts_on,
            recorded_by=staff_of[school_of_class[child.school_class_id]][0],
        )
        for pupils in by_school.values()
        for child in pupils
        if staff_of[school_of_class[child.school_class_id]]
    ]
    PhotoConsent.objects.bulk_create(consents, batch_size=BATCH)

    # 2. Festivals and the sports day in each school.
    events: list[Event] = []
    taking_part: list[list[Child]] = []
    staffing: list[list[User]] = []
    school_rows = [s for s in schools.values() if by_school.get(s.pk) and staff_of.get(s.pk)]
    for school in school_rows:
        for day, title in festivals:
            sports = "运动会" in title
            events.append(
                Event(
                    kind=EventKind.SPORTS_ARTS if sports else EventKind.FESTIVAL,
                    title=title,
                    held_on=day,
                    starts_at=datetime.time(9 if sports else 14, 0),
                    place="操场" if sports else "学校礼堂",
                    organiser=Organiser.SCHOOL,
                    school=school,
                    region_id=school.region_id,
                    account="全校留守儿童参加，老师和志愿者一同组织。",
                    recorded_by=staff_of[school.pk][0],
                )
            )
            taking_part.append([c for c in by_school[school.pk] if rng.random() < TAKE_PART])
            staffing.append(staff_of[school.pk][:2] + ([volunteer] if volunteer else []))

    # 3. Six groups per school, everyone on the register in one, a weekly session each.
    groups: list[InterestGroup] = []
    members: dict[int, list[Child]] = {}
    for school in school_rows:
        teachers = staff_of[school.pk]
        for n, (name, place) in enumerate(GROUPS):
            groups.append(
                InterestGroup(
                    school=school,
                    name=name,
                    teacher=teachers[n % len(teachers)],
                    weekday=n % 5 + 1,
                    starts_at=datetime.time(16, 0),
                    place=place,
                )
            )
    InterestGroup.objects.bulk_create(groups, batch_size=BATCH)
    school_groups: dict[int, list[InterestGroup]] = defaultdict(list)
    for group in groups:
        school_groups[group.school_id].append(group)
    memberships = []
    for school in school_rows:
        mine = school_groups[school.pk]
        for child in by_school[school.pk]:
            if rng.random() >= JOIN:
                continue
            group = mine[rng.randrange(len(mine))]
            members.setdefault(group.pk, []).append(child)
            memberships.append(
                GroupMembership(
                    group=group, child=child, joined_on=starts_on, recorded_by=group.teacher
                )
            )
    GroupMembership.objects.bulk_create(memberships, batch_size=BATCH)
    region_of = {s.pk: s.region_id for s in school_rows}
    for group in groups:
        day = starts_on + datetime.timedelta(days=(group.weekday - 1 - starts_on.weekday()) % 7)
        while day <= calendar.yesterday:
            events.append(
                Event(
                    kind=EventKind.GROUP_SESSION,
                    title=f"{group.name}活动",
                    held_on=day,
                    starts_at=group.starts_at,
                    place=group.place,
                    organiser=Organiser.SCHOOL,
                    school_id=group.school_id,
                    region_id=region_of[group.school_id],
                    group=group,
                    recorded_by=group.teacher,
                )
            )
            taking_part.append([c for c in members.get(group.pk, []) if rng.random() < PRESENT])
            staffing.append([group.teacher])
            day += datetime.timedelta(weeks=1)

    Event.objects.bulk_create(events, batch_size=BATCH)
    links = [
        EventChild(event=event, child=child, kind=event.kind, held_on=event.held_on)
        for event, chosen in zip(events, taking_part, strict=True)
        for child in chosen
    ]
    EventChild.objects.bulk_create(links, batch_size=BATCH)
    EventStaff.objects.bulk_create(
        [
            EventStaff(event=event, user=user, hours=Decimal(2 if event.group_id is None else 1))
            for event, people in zip(events, staffing, strict=True)
            for user in dict.fromkeys(people)
        ],
        batch_size=BATCH,
    )
    return len(links)
