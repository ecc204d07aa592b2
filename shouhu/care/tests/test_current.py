"""The one definition of a current pairing, of a carer's load and of an open flag gives the
answers each of the spellings it replaced gave, on the days where they could differ: a
pairing that starts or ends on the day, the day before and the day after."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.care.compliance.counting import _held_on_sql
from shouhu.care.models import Pairing, PairingKind, held
from shouhu.registry.models import ChildFlag, Flag
from shouhu.testing.factories import ChildFactory, ChildFlagFactory, PairingFactory

ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def pairings(world, teacher):
    """Proxy pairings of `teacher` around today: ended long ago, ended yesterday, ending today,
    starting today, starting tomorrow, running (twice, one child having left the register),
    and a mentor pairing that is no proxy parent's load."""
    today = timezone.localdate()
    spans = [
        (today - 30 * ONE_DAY, today - 20 * ONE_DAY),
        (today - 10 * ONE_DAY, today - ONE_DAY),
        (today - 10 * ONE_DAY, today),
        (today, None),
        (today + ONE_DAY, None),
        (today - 5 * ONE_DAY, None),
    ]
    made = [
        PairingFactory(
            child=ChildFactory(school_class=world.class_a),
            carer=teacher,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        for starts_on, ends_on in spans
    ]
    left = ChildFactory(school_class=world.class_a, left_on=today - 2 * ONE_DAY)
    made.append(PairingFactory(child=left, carer=teacher, starts_on=today - 9 * ONE_DAY))
    made.append(
        PairingFactory(child=world.child_a, carer=teacher, kind=PairingKind.MENTOR, starts_on=today)
    )
    return made


def boundary_days() -> list[datetime.date]:
    today = timezone.localdate()
    return [today + n * ONE_DAY for n in (-21, -20, -11, -10, -2, -1, 0, 1, 2)]


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_current_is_every_old_spelling_of_a_running_pairing(pairings):
    for day in boundary_days():
        current = ids(Pairing.objects.current(day))
        # The queryset method as it was, carer_at's filter, and the two Python spellings.
        assert current == ids(
            Pairing.objects.filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day
            )
        )
        assert current == ids(
            Pairing.objects.filter(starts_on__lte=day).filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=day)
            )
        )
        assert current == {
            p.pk
            for p in Pairing.objects.all()
            if p.starts_on <= day and (p.ends_on is None or p.ends_on >= day)
        }
        assert current == {
            p.pk for p in Pairing.objects.all() if p.starts_on <= day and (p.ends_on or day) >= day
        }
        assert current == {p.pk for p in Pairing.objects.all() if p.held_on(day)}


def test_current_since_is_carer_ats_window(pairings):
    for day in boundary_days():
        for since in (day - 3 * ONE_DAY, day - ONE_DAY, day):
            assert ids(Pairing.objects.current(day, since=since)) == ids(
                Pairing.objects.filter(starts_on__lte=day).filter(
                    Q(ends_on__isnull=True) | Q(ends_on__gte=since)
                )
            )
            assert ids(Pairing.objects.current(day, since=since)) == {
                p.pk
                for p in Pairing.objects.all()
                if held(starts_on=p.starts_on, ends_on=p.ends_on, day=day, since=since)
            }


def test_the_counting_sql_holds_the_pairings_the_raw_sql_held(pairings):
    table = connection.ops.quote_name(Pairing._meta.db_table)
    for day in boundary_days():
        where, params = _held_on_sql(day)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE {where}", params)  # noqa: S608
            new = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                f"SELECT id FROM {table} WHERE starts_on <= %s "  # noqa: S608
                "AND (ends_on IS NULL OR ends_on >= %s)",
                [day, day],
            )
            old = {row[0] for row in cursor.fetchall()}
        assert new == old == ids(Pairing.objects.current(day))


def test_a_carers_load_is_each_old_count(pairings, teacher):
    for day in boundary_days():
        loads = dict(Pairing.objects.proxy_loads(day).values_list("carer", "load"))
        # services.proxy_load
        one = (
            Pairing.objects.current(day)
            .filter(carer=teacher, kind=PairingKind.PROXY_PARENT, child__left_on__isnull=True)
            .count()
        )
        # oversight._proxy_loads
        grouped = dict(
            Pairing.objects.current(day)
            .filter(kind=PairingKind.PROXY_PARENT, child__left_on__isnull=True)
            .order_by()
            .values_list("carer")
            .annotate(n=Count("pk"))
        )
        # oversight.carer_candidates_for
        current = Q(pairings__kind=PairingKind.PROXY_PARENT, pairings__starts_on__lte=day) & (
            Q(pairings__ends_on__isnull=True) | Q(pairings__ends_on__gte=day)
        )
        counted = (
            User.objects.filter(pk=teacher.pk)
            .annotate(
                load=Count("pairings", filter=current & Q(pairings__child__left_on__isnull=True))
            )
            .get()
            .load
        )
        annotated = (
            User.objects.filter(pk=teacher.pk)
            .annotate(
                load=Coalesce(
                    Subquery(
                        Pairing.objects.proxy_loads(day).filter(carer=OuterRef("pk")).values("load")
                    ),
                    0,
                )
            )
            .get()
            .load
        )
        assert loads == grouped
        assert loads.get(teacher.pk, 0) == one == counted == annotated


def test_today_the_teacher_carries_the_pairings_running_on_the_register(pairings, teacher):
    # Ending today, starting today, running: three; not the child who left, not the mentor.
    assert dict(Pairing.objects.proxy_loads(timezone.localdate()).values_list("carer", "load")) == {
        teacher.pk: 3
    }


def test_an_open_flag_is_one_not_cleared(world):
    today = timezone.localdate()
    for until in (None, today, today - ONE_DAY, today + ONE_DAY):
        ChildFlagFactory(
            child=ChildFactory(school_class=world.class_a), flag=Flag.POVERTY, until=until
        )
    open_ids = ids(ChildFlag.objects.open())
    assert open_ids == ids(ChildFlag.objects.filter(until__isnull=True))
    assert open_ids == {f.pk for f in ChildFlag.objects.all() if f.until is None}
    assert open_ids == {f.pk for f in ChildFlag.objects.all() if f.is_open}
    assert len(open_ids) == ChildFlag.objects.filter(until__isnull=True).count() >= 1
