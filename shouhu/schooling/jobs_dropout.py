"""控辍保学's scheduled duty (shouhu.jobs.registry): each morning, the rules that enter children
in the suspected-dropout ledger (services.dropout_detect). Escalation of an entry not handled in
two school days, and the written report falling due, are read from dates whenever a ledger or a
to-do list is read, so nothing else needs to run at night. Running it twice changes nothing."""

import datetime

from django.utils.translation import gettext_lazy as _

from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Daily
from shouhu.schooling.models.dropout import SuspectRule
from shouhu.schooling.services.dropout_detect import suspects_detect


@duty(name="schooling.dropout_rules", label=_("疑似辍学排查"), schedule=Daily(hour=11))
def dropout_rules(day: datetime.date) -> str:
    found = suspects_detect(day)
    return "；".join(f"{SuspectRule(rule).label} {n} 人" for rule, n in found.items())
