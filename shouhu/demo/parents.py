"""The demo's parents' channel (家长端, issue 19), deterministic from the seed:

- the head teacher's class (the demo's `head` account): for its first few children on the
  register with a father's number, two care actions each marked 可告知家长 with a short note;
- a message from each of those fathers, the first one answered by the head teacher;
- the school shows grades to parents.

`shouhu demo-logins` lists those fathers' numbers (`demo_parent_logins`): a parent logs in at
/parents/ with the number and the code the console SMS backend prints.
"""

import random

from django.utils import timezone

from shouhu.care.models import PARENT_NEVER_KINDS, CareAction, CareActionChild
from shouhu.org.models import SchoolClass
from shouhu.parents.models import ParentMessage
from shouhu.registry.models import Child, Parent

DEMO_PARENTS = 3
NOTES = (
    "孩子这周按时完成作业，上课积极发言。",
    "家访时孩子说很想念爸爸妈妈，请多给孩子打电话。",
    "孩子参加了学校的书法小组，写得很认真。",
    "孩子最近身体很好，在学校吃得饱、睡得好。",
    "孩子期中考试进步明显，老师表扬了他。",
    "天冷了，已提醒爷爷奶奶给孩子添衣服。",
)
QUESTIONS = (
    "老师您好，孩子最近学习怎么样？",
    "孩子奶奶说他这几天咳嗽，麻烦老师留意一下。",
    "过年我们回不去，请老师多关心一下孩子。",
)


def parents_seed(*, head_class: SchoolClass | None, seed: int) -> int:
    """Shared news and messages for the head class's first parents; returns how many parents."""
    if head_class is None:
        return 0
    rng = random.Random(f"{seed}-parents")
    children = list(
        Child.objects.filter(school_class=head_class, left_on__isnull=True)
        .filter(parents__role="father")
        .exclude(parents__phone="")
        .order_by("pk")
        .distinct()[:DEMO_PARENTS]
    )
    fathers = {p.child_id: p for p in Parent.objects.filter(child__in=children, role="father")}
    now = timezone.now()
    messages = []
    for n, child in enumerate(children):
        links = (
            CareActionChild.objects.filter(child=child)
            .exclude(kind__in=PARENT_NEVER_KINDS)
            .order_by("-done_on", "-action_id")
            .values_list("action_id", flat=True)[:2]
        )
        for action_id in links:
            CareAction.objects.filter(pk=action_id).update(
                share_with_parents=True, parent_note=rng.choice(NOTES)
            )
        father = fathers.get(child.pk)
        if father is None or not father.phone:
            continue
        answered = n == 0 and head_class.head_teacher is not None
        messages.append(
            ParentMessage(
                child=child,
                parent=father,
                body=QUESTIONS[n % len(QUESTIONS)],
                sent_at=now - timezone.timedelta(days=2 - min(n, 2), hours=3),
                reply="孩子在学校很好，请放心。" if answered else "",
                replied_by=head_class.head_teacher if answered else None,
                replied_at=now - timezone.timedelta(days=1) if answered else None,
            )
        )
    ParentMessage.objects.bulk_create(messages)
    school = head_class.school
    school.grades_to_parents = True
    school.save(update_fields=["grades_to_parents"])
    return len(messages)


def demo_parent_logins() -> list[tuple[str, str, str]]:
    """(phone, child, class) of the demo's parents who wrote in: the parents to log in as."""
    rows = []
    seen = set()
    for message in ParentMessage.objects.select_related(
        "parent", "child__school_class__school"
    ).order_by("sent_at", "pk"):
        if message.parent_id in seen:
            continue
        seen.add(message.parent_id)
        c = message.child
        rows.append((message.parent.phone, c.name, str(c.school_class)))
    return rows
