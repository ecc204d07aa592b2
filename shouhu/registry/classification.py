"""Who is a left-behind child: a pure function of the parents' statuses and the child's age.

- both parents migrant → both_away (父母双方外出)
- one migrant, the other deceased, incapable or absent → one_away_other_incapable
- one migrant, the other at home → one_away (education departments' wider definition only)
- neither migrant → not left-behind

The civil-affairs definition (农村留守儿童) counts the first two, for children under 16 with a
rural household registration. The education definition counts all three.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

CIVIL_AGE_LIMIT = 16


class ParentStatus(models.TextChoices):
    AT_HOME = "at_home", _("在家")
    MIGRANT = "migrant", _("外出务工·经商")
    DECEASED = "deceased", _("死亡")
    INCAPABLE = "incapable", _("无监护能力")
    ABSENT = "absent", _("离异后不履行监护")


class Category(models.TextChoices):
    BOTH_AWAY = "both_away", _("父母双方外出")
    ONE_AWAY_OTHER_INCAPABLE = "one_away_other_incapable", _("一方外出另一方无监护能力")
    ONE_AWAY = "one_away", _("一方外出")
    NOT_LEFT_BEHIND = "not_left_behind", _("非留守儿童")


CANNOT_CARE = {ParentStatus.DECEASED, ParentStatus.INCAPABLE, ParentStatus.ABSENT}
CIVIL_CATEGORIES = {Category.BOTH_AWAY, Category.ONE_AWAY_OTHER_INCAPABLE}
EDUCATION_CATEGORIES = CIVIL_CATEGORIES | {Category.ONE_AWAY}


@dataclass(frozen=True)
class Classification:
    category: Category
    education: bool  # counted under the education definition
    civil: bool  # counted under the civil-affairs definition


def category_of(father: str | None, mother: str | None) -> Category:
    """A missing parent record counts as a parent who cannot care (absent)."""
    statuses = [ParentStatus(s) if s else ParentStatus.ABSENT for s in (father, mother)]
    migrants = statuses.count(ParentStatus.MIGRANT)
    if migrants == 2:
        return Category.BOTH_AWAY
    if migrants == 0:
        return Category.NOT_LEFT_BEHIND
    other = statuses[0] if statuses[1] == ParentStatus.MIGRANT else statuses[1]
    if other in CANNOT_CARE:
        return Category.ONE_AWAY_OTHER_INCAPABLE
    return Category.ONE_AWAY


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def classify(
    *,
    father: str | None,
    mother: str | None,
    birth_date: datetime.date,
    rural: bool,
    on: datetime.date,
) -> Classification:
    category = category_of(father, mother)
    civil = category in CIVIL_CATEGORIES and rural and age_on(birth_date, on) < CIVIL_AGE_LIMIT
    return Classification(
        category=category, education=category in EDUCATION_CATEGORIES, civil=civil
    )
