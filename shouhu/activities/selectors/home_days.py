"""The school days and the duty teachers of a school: the two facts the roster is built from,
each in one function (the school calendar of `schooling` takes over `school_days` at merge)."""

import datetime

from django.db.models import Q, QuerySet

from shouhu.accounts.models import User
from shouhu.activities.roster import weekdays_between
from shouhu.core.roles import Role
from shouhu.org.models import School, Term

# Who keeps the Home: the school's teachers (head teachers and counsellors too; 篇十一).
DUTY_ROLES = (Role.TEACHER, Role.HEAD_TEACHER, Role.COUNSELLOR)


def school_days(school: School, term: Term) -> list[datetime.date]:
    """The school's school days in the term: Monday to Friday between its first and last day.
    The one place that says so: the roster, the overdue days and the figures all read it."""
    return weekdays_between(term.starts_on, term.ends_on)


def duty_teachers_of(school: School) -> QuerySet[User]:
    """The active teachers of the school who may keep the Home, in a stable order."""
    return User.objects.filter(
        Q(scope_school=school) | Q(scope_class__school=school),
        role__in=DUTY_ROLES,
        is_active=True,
    ).order_by("display_name", "username", "pk")
