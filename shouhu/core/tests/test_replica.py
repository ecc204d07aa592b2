"""The read replica, on a real one: `make test-replica` runs this module under
scripts/with-replica.sh (a PostgreSQL 15 primary and a streaming standby made by
pg_basebackup -R). Skipped without SHOUHU_REPLICA_URL.

A standby cannot host a test database made by Django's test runner (it is read-only, and it
replays the primary's whole cluster): these tests use the databases the script made. The
primary is migrated once and the world built on it, outside any transaction, so that the
standby receives it; the clusters are thrown away after the run.
"""

import os
import subprocess
import time
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.core.partitions import months_after, partitions_ensure
from shouhu.core.replica import REPLICA, STICKY_COOKIE, health
from shouhu.testing.dates import TODAY, at
from shouhu.testing.world import FAST_HASHER, build_world_and_cast

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        not os.environ.get("SHOUHU_REPLICA_URL"), reason="needs a replica (make test-replica)"
    ),
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """The script's real databases, not a test database: the primary migrated once."""
    with django_db_blocker.unblock():
        call_command("migrate", verbosity=0)
        pinned = TODAY.replace(day=1)  # the partitioned tables' months where the tests write
        partitions_ensure(first=months_after(pinned, -1), last=months_after(pinned, 1))


def _replayed(model, count: int, *, seconds: float = 10) -> None:
    """Wait until the standby holds `count` rows of `model` (it replays asynchronously)."""
    deadline = time.monotonic() + seconds
    while model.objects.using(REPLICA).count() < count:
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        time_machine.travel(at(2026, 11, 29, 9, 59), tick=True),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
    ):
        world, users = build_world_and_cast()
        _replayed(User, User.objects.count())
        yield world, users


@pytest.fixture
def replica_db(cast, django_db_blocker, settings):
    settings.SHOUHU_REPLICA_CHECK_SECONDS = 0  # ask the standby at every read here
    health.forget()
    with django_db_blocker.unblock():
        yield cast
        connections.close_all()


def _naming(captured: CaptureQueriesContext, table: str) -> int:
    """How many of the captured queries name the table."""
    return sum(f'"{table}"' in q["sql"] for q in captured.captured_queries)


def test_the_replica_is_a_standby_of_the_primary(replica_db):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (False,)


def test_the_dashboards_figures_are_read_on_the_standby(replica_db, client, settings):
    settings.SHOUHU_PARALLEL_FIGURES = False  # every query on this thread, to be captured
    client.force_login(replica_db[1]["region_officer"])
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert _naming(on_replica, "registry_child") > 0
    assert _naming(on_primary, "registry_child") == 0
    # The primary answers the rest: the session, the user, the log of the page seen.
    assert len(on_replica.captured_queries) > len(on_primary.captured_queries)


def test_a_user_who_just_wrote_reads_the_write_though_the_standby_lags(
    replica_db, client, settings
):
    """The standby stops replaying: what the privacy officer has just logged is not on it. In
    the sticky window their search reads the primary and finds it; without the cookie the
    same search reads the standby and does not, until the standby replays again."""
    settings.SHOUHU_REPLICA_MAX_LAG_SECONDS = 3600  # lagging, but within the limit
    world, users = replica_db
    client.force_login(users["privacy_officer"])
    reason = f"核对学籍信息{uuid.uuid4().hex[:8]}"
    search = reverse("audit:access-log") + f"?action={AccessAction.REVEAL}"
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        reveal = reverse(
            "audit:reveal", kwargs={"public_id": world.child_a.public_id, "target": "id_number"}
        )
        response = client.post(reveal, {"reason": reason})
        assert response.status_code == 200
        assert STICKY_COOKIE in response.cookies

        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert reason in client.get(search).content.decode()
        assert on_replica.captured_queries == []

        del client.cookies[STICKY_COOKIE]  # as when the few seconds are over
        assert reason not in client.get(search).content.decode()
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 10
    while reason not in client.get(search).content.decode():
        assert time.monotonic() < deadline, "the standby did not replay the reveal"
        time.sleep(0.1)


def test_a_lagging_standby_is_left_for_the_primary_and_the_change_logged(
    replica_db, client, settings, caplog
):
    settings.SHOUHU_REPLICA_MAX_LAG_SECONDS = 0
    health.measure, measure = (lambda: 12.5), health.measure  # the lag the standby reports
    try:
        client.force_login(replica_db[1]["region_officer"])
        with caplog.at_level("WARNING", logger="shouhu.replica"):
            with CaptureQueriesContext(connections[REPLICA]) as on_replica:
                assert client.get(reverse("reports:dashboard")).status_code == 200
        assert on_replica.captured_queries == []
        assert [
            "Heavy reads fall back to the primary: the replica lags 12.5 s behind the "
            "primary (limit 0 s)."
        ] == [r.getMessage() for r in caplog.records]
    finally:
        health.measure = measure
        health.forget()


def test_a_stopped_standby_leaves_the_reads_to_the_primary_and_the_fallback_is_logged(
    replica_db, client, caplog
):
    client.force_login(replica_db[1]["region_officer"])
    subprocess.run([os.environ["SHOUHU_REPLICA_STOP"]], check=True)
    try:
        connections[REPLICA].close()
        with caplog.at_level("WARNING", logger="shouhu.replica"):
            with CaptureQueriesContext(connections["default"]) as on_primary:
                first = client.get(reverse("reports:dashboard"))
            # (read now: the next request empties the connection's log of queries)
            children_read_on_primary = _naming(on_primary, "registry_child")
            second = client.get(reverse("reports:dashboard"))
        assert (first.status_code, second.status_code) == (200, 200)
        assert children_read_on_primary > 0
        warnings = [r.getMessage() for r in caplog.records]
        assert len(warnings) == 1  # once per change of state, not once per read
        assert warnings[0].startswith("Heavy reads fall back to the primary: the replica does")
    finally:
        subprocess.run([os.environ["SHOUHU_REPLICA_START"]], check=True)
        health.forget()
