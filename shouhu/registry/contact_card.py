"""The contact card (联系卡, 篇五, 篇六): one printable A4 page per child linking the head
teacher, the proxy parent, the guardian, both parents, the school and the township, so anyone in
the care network can call anyone else.

The card follows the privacy matrix as the screen does (`shouhu.core.visibility`): the family's
phones are printed in full to whoever sees them in full on the child's file (the head teacher,
the school leader, the child's own proxy parent), masked to the others unless the reader typed a
reason for the batch (`audit.services.card_phones_reveal`, logged per child); the head teacher's
and the proxy parent's phones follow the `staff_phone` row; the school's and the township's
office phones are public and always printed.

Rendered by WeasyPrint with Noto CJK.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.core.roles import Role
from shouhu.core.visibility import (
    ChildField,
    Visibility,
    child_visibility,
    printed,
    proxy_pairing_of,
    visibility,
)
from shouhu.org.models import Region, RegionLevel
from shouhu.registry.models import Child, Guardian, ParentRole


@dataclass(frozen=True)
class Contact:
    """One line of the card: who, and the phone as the reader may print it."""

    label: str
    name: str
    detail: str
    phone: str
    masked: bool = False


def _township(region: Region) -> Region | None:
    """The township of a school's region: a school in a village answers to its township's
    education centre."""
    if region.level == RegionLevel.TOWNSHIP:
        return region
    if region.level == RegionLevel.VILLAGE:
        return region.parent
    return None


def chain_officers(children: list[Child]) -> dict[int, User]:
    """The people of the contact chain above the school (应急联系链, 篇七), by region id: the
    village's child-welfare supervisor of each child's home village and the township's child
    director (its officer), the first active account of each; one query for a batch."""
    regions = set()
    for child in children:
        regions.add(child.home_region_id)
        township = _township(child.school_class.school.region)
        if township is not None:
            regions.add(township.pk)
    found: dict[int, User] = {}
    officers = User.objects.filter(
        is_active=True,
        scope_region_id__in=regions,
        role__in=[Role.VILLAGE_SUPERVISOR, Role.TOWNSHIP_OFFICER],
    ).order_by("pk")
    for user in officers:
        found.setdefault(user.scope_region_id, user)
    return found


def card_for(
    child: Child, *, reader, revealed: bool = False, day=None, officers: dict | None = None
) -> dict:
    """What one card prints for `reader`. `revealed`: the reader gave a logged reason to print
    the family's phones in full where their cell masks them. `officers`: `chain_officers` of
    a batch (read for this child alone when not given)."""
    day = day or timezone.localdate()
    if officers is None:
        officers = chain_officers([child])
    family = child_visibility(reader, child, ChildField.FAMILY_PHONE)
    staff = visibility(reader, ChildField.STAFF_PHONE)

    def family_line(label: str, name: str, detail: str, phone: str) -> Contact:
        return Contact(
            label=label,
            name=name,
            detail=detail,
            phone=printed(family, ChildField.FAMILY_PHONE, phone, revealed=revealed),
            masked=bool(phone) and family == Visibility.MASKED and not revealed,
        )

    def staff_line(label: str, user, missing: str) -> Contact:
        if user is None:
            return Contact(label=label, name=missing, detail="", phone="")
        phone = printed(staff, ChildField.STAFF_PHONE, user.phone)
        return Contact(label=label, name=str(user), detail="", phone=phone)

    school = child.school_class.school
    township = _township(school.region)
    proxy = proxy_pairing_of(child, day=day)
    lines = [
        staff_line(_("班主任"), child.school_class.head_teacher, "—"),
        staff_line(_("代理家长"), proxy.carer if proxy else None, _("尚未结对")),
    ]
    try:
        guardian = child.guardian
    except Guardian.DoesNotExist:
        guardian = None
    if guardian is not None:
        lines.append(family_line(_("委托监护人"), guardian.name, guardian.relation, guardian.phone))
    for parent in sorted(child.parents.all(), key=lambda p: p.role != ParentRole.FATHER):
        detail = parent.get_status_display()
        if parent.destination:
            detail = f"{detail}，{parent.destination}"
        lines.append(
            family_line(parent.get_role_display(), parent.name or "—", detail, parent.phone)
        )
    lines.append(Contact(label=_("学校"), name=school.name, detail="", phone=school.contact_phone))
    lines.append(
        Contact(label=_("学校值班电话"), name=school.name, detail="", phone=school.duty_phone)
    )
    supervisor = officers.get(child.home_region_id)
    if supervisor is not None and supervisor.role == Role.VILLAGE_SUPERVISOR:
        lines.append(staff_line(_("村儿童福利督导员"), supervisor, "—"))
    director = officers.get(township.pk) if township is not None else None
    if director is not None:
        lines.append(staff_line(_("乡镇儿童主任"), director, "—"))
    if township is not None:
        lines.append(
            Contact(
                label=_("乡镇教管中心"),
                name=township.name,
                detail="",
                phone=township.contact_phone,
            )
        )
    return {"child": child, "lines": lines, "masked": any(line.masked for line in lines)}


def contact_cards_pdf(
    children: list[Child], *, reader, revealed: frozenset[int] = frozenset()
) -> bytes:
    """One page per child, as `reader` may print it; `revealed` holds the ids of the children
    whose family phones the reader revealed with a logged reason. The children should come with
    their relations prefetched (`contact_card_children_for`)."""
    day = timezone.localdate()
    # WeasyPrint takes most of a second to import: only a print pays for it (the incident
    # page reads `card_for` for the contact chain).
    from weasyprint import HTML

    officers = chain_officers(children)
    cards = [
        card_for(c, reader=reader, revealed=c.pk in revealed, day=day, officers=officers)
        for c in children
    ]
    html = render_to_string(
        "registry/contact_card.html",
        {"cards": cards, "printed_on": day, "reader": reader},
    )
    return HTML(string=html).write_pdf()
