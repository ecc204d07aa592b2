"""Template helpers of the care pages, and the care section of the child's file."""

from django import template

from shouhu.care.selectors import child_care_for
from shouhu.core.roles import Perm

register = template.Library()


@register.filter(name="zip")
def zip_lists(left, right) -> list[tuple]:
    """Pair two lists in a template loop: {% for a, b in xs|zip:ys %}."""
    return list(zip(left, right, strict=False))


@register.inclusion_tag("care/_care_section.html", takes_context=True)
def care_section(context, child) -> dict:
    """关爱 on the child's file: proxy parent, quota statuses, the latest actions, and the
    one-tap buttons. The child page has already cut the child to the user's scope."""
    user = context["request"].user
    return {
        "care": child_care_for(user, child=child, actions_limit=5),
        "may_record": user.has_perm_to(Perm.CARE_RECORD),
        "may_observe": user.has_perm_to(Perm.OBSERVATION_RECORD),
    }
