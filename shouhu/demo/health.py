"""The demo's and the synthetic county's health and safety (issue 15): a health-check sheet for
every class this term (a few children absent, some follow-ups open), the schools' duty phones
(one school without, so the contact chain shows a missing link), a safety or legal lecture per
school most months (a gap shows in compliance), and two incidents in the demo head teacher's
class, one serious, with the people notified and a follow-up. Deterministic from the seed,
dated relative to the demo's calendar, written with bulk_create."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from shouhu.demo.terms import DemoCalendar
from shouhu.org.models import School, SchoolClass
from shouhu.registry.models import Child
from shouhu.welfare.models import (
    Dental,
    HealthCheck,
    Incident,
    IncidentFollowUp,
    IncidentKind,
    IncidentNotice,
    Lecture,
    LectureKind,
    NotifiedParty,
)

ONE_DAY = datetime.timedelta(days=1)
# Stored in clear: no word a guardian's health is written in (健康), which the at-rest scan seeks.
LECTURE_TOPICS = (
    (LectureKind.SAFETY, "防溺水安全教育", "镇派出所民警"),
    (LectureKind.SAFETY, "交通安全进校园", "县交警大队"),
    (LectureKind.LEGAL, "法治副校长讲法制", "镇司法所"),
    (LectureKind.MENTAL, "情绪与压力：心理辅导讲座", "县心理辅导中心"),
    (LectureKind.SAFETY, "防火防电与冬季取暖安全", "镇消防站"),
)
CONCLUSIONS = ("未见异常", "视力下降，建议配镜复查", "龋齿，建议口腔科就诊", "体重偏低，注意营养")


def _check_day(calendar: DemoCalendar) -> datetime.date:
    """The clinic's visit: three weeks into the current term, or yesterday if sooner."""
    start = calendar.current[3]
    return min(start + datetime.timedelta(days=21), calendar.today - ONE_DAY)


def health_safety_write(*, county, plan, seed: int) -> dict[str, int]:
    """Write it for a county just written (`services.County`, of `plan`)."""
    return _write(
        calendar=plan.calendar,
        schools=county.schools,
        classes=county.classes,
        users=county.users,
        seed=seed,
        head_class=county.classes[plan.head_class_key],
    )


def _write(
    *,
    calendar: DemoCalendar,
    schools: dict[str, School],
    classes: dict[str, SchoolClass],
    users: dict,
    seed: int,
    head_class: SchoolClass | None = None,
) -> dict[str, int]:
    rng = random.Random(f"health-{seed}")
    checked_on = _check_day(calendar)
    head = users.get("head")
    ordered_schools = sorted(schools.values(), key=lambda s: s.code)
    for index, school in enumerate(ordered_schools):
        school.duty_phone = "" if index == len(ordered_schools) - 1 else f"0818862{index:04d}"
    School.objects.bulk_update(ordered_schools, ["duty_phone"])

    children = list(
        Child.objects.filter(
            left_on__isnull=True,
            registered_on__lte=checked_on,
            school_class__in=list(classes.values()),
        )
        .select_related("school_class")
        .only("pk", "birth_date", "school_class__head_teacher_id")
    )
    checks = []
    for child in children:
        if rng.random() < 0.08:  # absent on the day
            continue
        age = max(6, (checked_on - child.birth_date).days // 365)
        height = Decimal(105 + (age - 6) * 6 + rng.randint(-6, 6))
        weight = Decimal(17 + (age - 6) * 3 + rng.randint(-3, 4))
        conclusion = CONCLUSIONS[0] if rng.random() < 0.8 else rng.choice(CONCLUSIONS[1:])
        checks.append(
            HealthCheck(
                child=child,
                checked_on=checked_on,
                height_cm=height,
                weight_kg=weight,
                vision_left=Decimal(rng.choice(("4.6", "4.8", "4.9", "5.0", "5.1"))),
                vision_right=Decimal(rng.choice(("4.7", "4.8", "4.9", "5.0", "5.1"))),
                dental=Dental.CARIES if "龋齿" in conclusion else Dental.NORMAL,
                conclusion=conclusion,
                follow_up=conclusion != CONCLUSIONS[0],
                recorded_by_id=child.school_class.head_teacher_id or head.pk,
            )
        )
    HealthCheck.objects.bulk_create(checks, batch_size=1000)

    lectures = []
    leader = users.get("leader") or head
    start, end = calendar.current[3], calendar.today - ONE_DAY
    for index, school in enumerate(ordered_schools):
        cursor = start + datetime.timedelta(days=rng.randint(5, 15))
        month = 0
        while cursor <= end:
            # The last school skips its second month: a gap the lecture list shows.
            if not (index == len(ordered_schools) - 1 and month == 1):
                kind, topic, speaker = LECTURE_TOPICS[(index + month) % len(LECTURE_TOPICS)]
                lectures.append(
                    Lecture(
                        school=school,
                        kind=kind,
                        held_on=cursor,
                        topic=topic,
                        speaker=speaker,
                        attendance=rng.randint(80, 400),
                        recorded_by=leader,
                    )
                )
            month += 1
            cursor = (cursor.replace(day=1) + datetime.timedelta(days=32)).replace(
                day=min(cursor.day, 28)
            )
    Lecture.objects.bulk_create(lectures, batch_size=1000)

    incidents = 0
    pupils = (
        list(Child.objects.filter(school_class=head_class, left_on__isnull=True).order_by("pk")[:2])
        if head_class is not None
        else []
    )
    if len(pupils) == 2 and head is not None:
        tz = timezone.get_current_timezone()
        serious_at = datetime.datetime.combine(
            calendar.today - datetime.timedelta(days=3), datetime.time(17, 20), tzinfo=tz
        )
        minor_at = datetime.datetime.combine(
            max(start, calendar.today - datetime.timedelta(days=40)),
            datetime.time(10, 5),
            tzinfo=tz,
        )
        serious = Incident.objects.create(
            child=pupils[0],
            kind=IncidentKind.DROWNING,
            serious=True,
            happened_at=serious_at,
            place="村口河边",
            what="放学后与同伴在河边玩耍，滑入浅水区，被路过村民拉上岸。",
            injuries="呛水，无外伤，经镇卫生院检查无碍。",
            actions="班主任赶到现场，送镇卫生院检查；通知监护人和父母；次日开展防溺水专题教育。",
            recorded_by=head,
        )
        minor = Incident.objects.create(
            child=pupils[1],
            kind=IncidentKind.INJURY,
            happened_at=minor_at,
            place="学校操场",
            what="课间追逐时摔倒，膝盖擦伤。",
            injuries="右膝擦伤",
            actions="校医消毒包扎，电话告知监护人。",
            recorded_by=head,
        )
        IncidentNotice.objects.bulk_create(
            [
                IncidentNotice(
                    incident=serious,
                    party=NotifiedParty.GUARDIAN,
                    notified_at=serious_at + datetime.timedelta(minutes=15),
                    recorded_by=head,
                ),
                IncidentNotice(
                    incident=serious,
                    party=NotifiedParty.SCHOOL_LEADER,
                    notified_at=serious_at + datetime.timedelta(minutes=20),
                    recorded_by=head,
                ),
                IncidentNotice(
                    incident=minor,
                    party=NotifiedParty.GUARDIAN,
                    notified_at=minor_at + datetime.timedelta(minutes=30),
                    recorded_by=head,
                ),
            ]
        )
        IncidentFollowUp.objects.create(
            incident=serious,
            due_on=calendar.today + datetime.timedelta(days=4),
            note="家访，了解孩子情绪，与监护人商定放学接送。",
            recorded_by=head,
        )
        incidents = 2
    return {"health_checks": len(checks), "lectures": len(lectures), "incidents": incidents}
