"""Guardianship's benchmark (`agreements_batch_s`, the issue asks for under 10 s): a class's
委托监护责任确认书 printed as one PDF, a page per child, as the township officer prints them
from /welfare/guardianship/classes/ID/agreements.pdf. The class is the township's with the most
children entrusted to a guardian (about 30 in the demo county); `run.py` times the page."""


def agreements_batch_class(username: str = "township") -> tuple[str, int]:
    """The URL of the batch for the largest class under the user's township, and how many
    agreements it prints."""
    from django.db.models import Count, Q

    from shouhu.accounts.models import User
    from shouhu.core.scoping import subtree_range
    from shouhu.org.models import SchoolClass

    user = User.objects.get(username=username)
    low, high = subtree_range(user.scope_region.prefix)
    school_class = (
        SchoolClass.objects.filter(school__region__code__range=(low, high))
        .annotate(
            entrusted=Count(
                "children",
                filter=Q(children__left_on__isnull=True, children__guardian__isnull=False),
            )
        )
        .order_by("-entrusted", "pk")
        .first()
    )
    if school_class is None:
        return "", 0
    url = f"/welfare/guardianship/classes/{school_class.pk}/agreements.pdf"
    return url, school_class.entrusted
