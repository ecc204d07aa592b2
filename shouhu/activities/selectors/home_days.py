"""The school days and the duty teachers of a school: the two facts the roster is built from,
each in one function; the school days are the school calendar's (`schooling`)."""

import datetime

from django.db.models import Q, QuerySet

from shouhu.accounts.models import User
from shouhu.core.roles import Role
from shouhu.org.models import School, Term
from shouhu.schooling.selectors.calendar import school_days as calendar_school_days

# Who keeps the Home: the school's teachers (head teachers and counsellors too; 篇十一).
DUTY_ROLES = (Role.TEACHER, Role.HEAD_TEACHER, Role.COUNSELLOR)


def school_days(school: School, term: Term) -> list[datetime.date]:
    """The school's school days in the term, as its calendar has them (term weekdays, minus its
    days off, plus its make-up days): the roster, the overdue days and the figures read it."""
    return calendar_school_days(school, term.starts_on, term.ends_on)


def duty_teachers_of(school: School) -> QuerySet[User]:
    """The active teachers of the school who may keep the Home, in a stable order."""
    return User.objects.filter(
        Q(scope_school=school) | Q(scope_class__school=school),
        role__in=DUTY_ROLES,
        is_active=True,
    ).order_by("display_name", "username", "pk")
