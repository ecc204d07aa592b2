"""The contact card (联系卡, 篇五, 篇六): one printable A4 page per child linking the head
teacher, the proxy parent, the guardian and both parents, so anyone can call anyone else.

Rendered by WeasyPrint with Noto CJK.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from shouhu.care.models import PairingKind
from shouhu.registry.models import Child, Guardian


def _card(child: Child) -> dict:
    today = timezone.localdate()
    proxy = next(
        (
            p.carer
            for p in child.pairings.all()
            if p.kind == PairingKind.PROXY_PARENT
            and p.starts_on <= today
            and (p.ends_on is None or p.ends_on >= today)
        ),
        None,
    )
    try:
        guardian = child.guardian
    except Guardian.DoesNotExist:
        guardian = None
    return {
        "child": child,
        "head_teacher": child.school_class.head_teacher,
        "proxy": proxy,
        "guardian": guardian,
        "parents": sorted(child.parents.all(), key=lambda p: p.role != "father"),
    }


def contact_cards_pdf(children: list[Child]) -> bytes:
    """One page per child; the children should come with their relations prefetched."""
    html = render_to_string(
        "registry/contact_card.html",
        {"cards": [_card(c) for c in children], "printed_on": timezone.localdate()},
    )
    return HTML(string=html).write_pdf()
