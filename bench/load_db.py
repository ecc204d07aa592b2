"""The load test's database side (bench/load.py): the synth accounts the users log in as, set
up before the run, and the writes looked up after it. Run inside the load's environment (the
server's database and keys: scripts/load.sh)."""

import datetime
import os
import re
import secrets
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from load_pages import WriteCheck, WriteLedger, spread, writes_compare

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Account:
    username: str
    recovery_code: str | None = None


# --- the database: the accounts before, the writes after -------------------------------------


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhu.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(plan: list) -> list[Account]:
    """An account for each user of the plan (bench/load.py's personas): teachers who are
    proxy parents this term (代理家长, a worklist of their own), head teachers of different
    classes (a class's roll call is its head teacher's), the school leader and the township,
    village and county officers, the privacy officer; a recovery code for each user of an
    account that must pass a second factor (the county and privacy officers)."""
    from django.utils import timezone
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from shouhu.accounts.models import User
    from shouhu.accounts.two_factor import RECOVERY_NAME, TOTP_NAME, two_factor_required
    from shouhu.care.models import Pairing

    carers = sorted(
        set(
            Pairing.objects.current(timezone.localdate())
            .filter(carer__role="teacher", carer__is_active=True)
            .values_list("carer__username", flat=True)
        )
    )
    heads = list(
        User.objects.filter(role="head_teacher", is_active=True)
        .exclude(username="head")
        .order_by("username")
        .values_list("username", flat=True)
    )
    picked = {
        "teacher": iter(spread(carers, sum(1 for p in plan if p.name == "teacher"))),
        "head_teacher": iter(["head", *spread(heads, len(plan))]),
        "officer": iter(["leader", "township", "county", "village"] * len(plan)),
        "privacy": iter(["privacy"] * len(plan)),
    }
    accounts = [Account(next(picked[persona.name])) for persona in plan]
    for user in User.objects.filter(username__in={a.username for a in accounts}):
        if not two_factor_required(user):
            continue
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
        )
        for account in accounts:
            if account.username == user.username:
                account.recovery_code = secrets.token_hex(6)
                StaticToken.objects.create(device=device, token=account.recovery_code)
    return accounts


def check_writes(ledger: WriteLedger, *, run_id: str, since: datetime.datetime) -> WriteCheck:
    """Each write the run counted, looked up in the database: the visits by the marker in their
    (encrypted) summary, the roll calls by class and day with the absent child."""
    from django.utils import timezone

    from shouhu.care.models import CareAction
    from shouhu.schooling.models import Absence

    found: Counter = Counter()
    pattern = re.compile(rf"LOAD-{run_id}-\d{{6}}")
    for summary in CareAction.objects.filter(created_at__gte=since).values_list(
        "summary", flat=True
    ):
        for marker in pattern.findall(summary or ""):
            found[("visit", marker)] += 1
    classes = {int(key.split(":")[0]) for key in ledger.expected("roll_call")}
    for class_id, child_id in Absence.objects.filter(
        day=timezone.localdate(), roll_call__school_class_id__in=classes
    ).values_list("roll_call__school_class_id", "child_id"):
        found[("roll_call", f"{class_id}:{child_id}")] += 1
    return writes_compare(ledger.keys, found)
