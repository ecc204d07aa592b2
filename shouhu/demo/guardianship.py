"""The demo's and the synthetic county's guardianship (监护): a year of agreements (signed, some
expiring, some expired, a few drawn up and not yet signed), a guardian training session per
school and term with its attendance, two 优秀家长 per school this term, and the 无户籍 cases
(most reported, one registered). Deterministic from the seed; every date counts back from the
demo's today. Written in bulk, as welfare's services would write them."""

import datetime
import random
from dataclasses import dataclass

from shouhu.files.models import Attachment
from shouhu.registry.models import Child, ChildFlag, Flag, Guardian, Parent, ParentRole
from shouhu.welfare.models.guardianship import (
    Commendation,
    GuardianAgreement,
    HukouReferral,
    TrainingAttendance,
    TrainingSession,
    agreement_end,
)

DAY = datetime.timedelta(days=1)
BATCH = 2000
TOPICS = (
    "隔代教育的方法与误区",
    "防溺水、防交通事故安全教育",
    "如何与孩子沟通：倾听与鼓励",
    "留守儿童心理健康与家庭关爱",
    "家庭作业辅导与良好习惯养成",
)
REASONS = (
    "坚持每天检查孩子作业，按时参加家长学校，孩子学习进步明显。",
    "悉心照料孙辈生活起居，主动与班主任沟通，孩子性格开朗。",
    "积极配合学校开展安全教育，假期看护到位。",
    "每周与孩子视频通话，关心孩子心理成长，家校联系紧密。",
)
POLICE = "派出所"
# A scan stands for every signed paper of the demo (the real ones are uploaded page by page).
DEMO_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class GuardianshipCounts:
    agreements: int
    signed: int
    expired: int
    sessions: int
    attendances: int
    commendations: int
    referrals: int


def guardianship_write(
    *, records: list[Child], terms: list, today: datetime.date, seed: int
) -> GuardianshipCounts:
    """Write the guardianship of the county's children. `terms` are the stored terms (those
    begun by today count, the current one last)."""
    terms = sorted((t for t in terms if t.starts_on <= today), key=lambda t: t.starts_on)
    rng = random.Random(f"{seed}-guardianship")
    on_register = [c for c in records if c.left_on is None]
    # The database holds this county only (it was empty): no list of ids is sent.
    kept = Guardian.objects.filter(child__left_on__isnull=True)
    guardians = dict(kept.values_list("child_id", "name"))
    relations = dict(kept.values_list("child_id", "relation"))
    parents: dict[int, dict[str, str]] = {}
    rows = Parent.objects.filter(child__left_on__isnull=True).values_list(
        "child_id", "role", "name"
    )
    for child_id, role, name in rows:
        parents.setdefault(child_id, {})[role] = name
    heads = {c.pk: c.school_class.head_teacher_id for c in on_register}
    author = next((h for h in heads.values() if h), None)
    if author is None or not guardians:
        return GuardianshipCounts(0, 0, 0, 0, 0, 0, 0)
    scan = Attachment(
        name="委托监护责任确认书（示例扫描件）.pdf",
        content_type="application/pdf",
        size=len(DEMO_SCAN),
        sha256="",
        created_by_id=author,
    )
    scan.seal(DEMO_SCAN)
    scan.save()
    agreements = []
    signed = expired = 0
    for child in on_register:
        if child.pk not in guardians:
            continue
        roll = rng.random()
        by = heads.get(child.pk) or author
        if roll < 0.12:
            continue  # none yet: listed to sign
        if roll < 0.20:
            starts_on, signed_on = today - rng.randint(1, 20) * DAY, None  # drawn up, unsigned
        elif roll < 0.30:
            starts_on = today - rng.randint(375, 430) * DAY  # expired, not renewed
            signed_on = starts_on + rng.randint(0, 7) * DAY
            expired += 1
        elif roll < 0.38:
            starts_on = today - rng.randint(340, 360) * DAY  # ends within 30 days
            signed_on = starts_on + rng.randint(0, 7) * DAY
        else:
            starts_on = today - rng.randint(20, 300) * DAY
            signed_on = min(today, starts_on + rng.randint(0, 10) * DAY)
        names = parents.get(child.pk, {})
        agreements.append(
            GuardianAgreement(
                child_id=child.pk,
                guardian_name=guardians[child.pk],
                guardian_relation=relations.get(child.pk, ""),
                father_name=names.get(ParentRole.FATHER, ""),
                mother_name=names.get(ParentRole.MOTHER, ""),
                starts_on=starts_on,
                ends_on=agreement_end(starts_on),
                signed_on=signed_on,
                scan_id=scan.pk if signed_on else None,
                created_by_id=by,
            )
        )
        signed += signed_on is not None
    GuardianAgreement.objects.bulk_create(agreements, batch_size=BATCH)
    sessions, attendances = _training(on_register, guardians, heads, terms, today, rng, author)
    commendations = _commendations(on_register, guardians, relations, heads, terms[-1], rng, author)
    referrals = _hukou(today, rng, author)
    return GuardianshipCounts(
        agreements=len(agreements),
        signed=signed,
        expired=expired,
        sessions=sessions,
        attendances=attendances,
        commendations=commendations,
        referrals=referrals,
    )


def _by_school(children: list[Child], guardians: dict) -> dict[int, list[Child]]:
    schools: dict[int, list[Child]] = {}
    for child in children:
        if child.pk in guardians:
            schools.setdefault(child.school_class.school_id, []).append(child)
    return schools


def _training(children, guardians, heads, terms, today, rng, author) -> tuple[int, int]:
    """A session per school in each of the last two terms (held by the term's middle, or a
    fortnight ago in a term still running), about 60% of the guardians at each."""
    sessions, rows = [], []
    schools = _by_school(children, guardians)
    for term in terms[-2:]:
        last = min(today - DAY, term.ends_on)
        if last < term.starts_on:
            continue
        for school_id, pupils in sorted(schools.items()):
            held_on = max(term.starts_on, min(last, term.starts_on + (last - term.starts_on) / 2))
            session = TrainingSession(
                school_id=school_id,
                held_on=held_on,
                topic=rng.choice(TOPICS),
                speaker="张校长",
                created_by_id=heads.get(pupils[0].pk) or author,
            )
            sessions.append((session, pupils))
    TrainingSession.objects.bulk_create([s for s, _p in sessions], batch_size=BATCH)
    for session, pupils in sessions:
        rows.extend(
            TrainingAttendance(session=session, child_id=c.pk, guardian_name=guardians[c.pk])
            for c in pupils
            if rng.random() < 0.6 and c.registered_on <= session.held_on
        )
    TrainingAttendance.objects.bulk_create(rows, batch_size=BATCH)
    return len(sessions), len(rows)


def _commendations(children, guardians, relations, heads, term, rng, author) -> int:
    rows = []
    for _school_id, pupils in sorted(_by_school(children, guardians).items()):
        for child in rng.sample(pupils, min(2, len(pupils))):
            rows.append(
                Commendation(
                    child_id=child.pk,
                    term=term,
                    person_name=guardians[child.pk],
                    relation=relations.get(child.pk, "") or "监护人",
                    reason=rng.choice(REASONS),
                    created_by_id=heads.get(child.pk) or author,
                )
            )
    Commendation.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _hukou(today, rng, author) -> int:
    """Most children flagged 无户籍 are reported (the first always); of two or more, the first
    is registered (its flag cleared on that day), the others wait."""
    flags = list(
        ChildFlag.objects.open()
        .filter(child__left_on__isnull=True, flag=Flag.UNREGISTERED)
        .select_related("child__school_class__school")
        .order_by("child_id")
    )
    rows = []
    for n, flag in enumerate(flags):
        if n and rng.random() < 0.25:
            continue  # not yet reported: the county sees it to report
        reported_on = max(flag.since, today - rng.randint(5, 90) * DAY)
        registered_on = None
        if n == 0 and len(flags) > 1:
            registered_on = min(today - DAY, reported_on + 20 * DAY)
            if registered_on < reported_on:
                registered_on = reported_on
            flag.until = registered_on
            flag.save(update_fields=["until"])
        township = flag.child.school_class.school.name[:5]
        rows.append(
            HukouReferral(
                child_id=flag.child_id,
                police_station=f"{township}{POLICE}",
                reported_on=reported_on,
                registered_on=registered_on,
                created_by_id=flag.child.school_class.head_teacher_id or author,
            )
        )
    HukouReferral.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
