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
