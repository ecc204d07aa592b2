"""Masking of the most sensitive identifiers for display."""


def mask_id_number(number: str | None) -> str:
    """`511781201503071234` → `5117**********1234` (first four and last four kept)."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """`13812345678` → `138****5678`; landlines keep their area code and last four digits."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * (len(phone) - 2) + phone[-2:]
    if phone.startswith("0"):
        area = 3 if phone[1] in "12" else 4  # 010 and 02x are the only 3-digit area codes
        return phone[:area] + "*" * (len(phone) - area - 4) + phone[-4:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """A name on a public notice (公示): `张小明` → `张*明`, `李明` → `李*`, `欧阳小明` → `欧**明`
    (the first and the last character kept, one star for each one between)."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]
