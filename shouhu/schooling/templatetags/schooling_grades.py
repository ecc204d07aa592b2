"""Small helpers of the grade sheet's template: a cell's field name, and what it shows."""

from django import template

register = template.Library()


@register.simple_tag
def cell_name(child, subject: str) -> str:
    return f"s-{child.public_id}-{subject}"


@register.filter
def get_score(scores: dict, subject: str):
    return scores.get(subject)


@register.simple_tag
def posted_or(posted, name: str, stored) -> str:
    """After a refused save, the value as typed; else the stored score ("" when none)."""
    if posted and name in posted:
        return posted.get(name, "")
    if stored is None:
        return ""
    return f"{stored.normalize():f}"
