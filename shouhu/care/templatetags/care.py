"""Template helpers of the care pages. They read no database: the pages' selectors did."""

from django import template

register = template.Library()


@register.filter(name="zip")
def zip_lists(left, right) -> list[tuple]:
    """Pair two lists in a template loop: {% for a, b in xs|zip:ys %}."""
    return list(zip(left, right, strict=False))
