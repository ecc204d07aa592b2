"""The replica's rules that need no replica (the real one: test_replica.py, make test-replica):
when the replica is asked, what is logged, the read-your-writes cookie, and the routing handed
to the dashboard's second thread. Without SHOUHU_REPLICA_URL every read goes to the primary."""

import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.test import RequestFactory

from shouhu.core import replica
from shouhu.core.replica import (
    STICKY_COOKIE,
    ReadYourWritesMiddleware,
    ReplicaRouter,
    reading_from_replica,
    reading_state,
    reading_state_set,
    reads_on_replica,
)


class FakeLag:
    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.asked = 0

    def __call__(self) -> float:
        self.asked += 1
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def health(settings):
    settings.SHOUHU_REPLICA_MAX_LAG_SECONDS = 30
    settings.SHOUHU_REPLICA_CHECK_SECONDS = 0
    fresh = replica._Health()
    return fresh


def test_without_a_replica_url_every_read_and_write_goes_to_the_primary():
    router = ReplicaRouter()
    with reading_from_replica():
        assert not reads_on_replica()
        assert router.db_for_read(None) is None  # Django's default: the primary
    assert router.db_for_write(None) is None
    assert replica.read_connection() is connections[DEFAULT_DB_ALIAS]


def test_a_replica_that_answers_within_the_lag_limit_is_read(health):
    health.measure = FakeLag(0.0, 29.9)
    assert health.answer() and health.answer()


def test_a_lagging_or_silent_replica_is_left_and_each_change_is_logged_once(health, caplog):
    health.measure = FakeLag(45.0, 45.0, OSError("refused"), OSError("refused"), 0.0, 0.0)
    with caplog.at_level("WARNING", logger="shouhu.replica"):
        answers = [health.answer() for _ in range(6)]
    assert answers == [False, False, False, False, True, True]
    assert [r.getMessage() for r in caplog.records] == [
        "Heavy reads fall back to the primary: the replica lags 45.0 s behind the primary "
        "(limit 30 s).",
        "Heavy reads fall back to the primary: the replica does not answer (OSError: refused).",
        "Heavy reads go to the replica again.",
    ]


def test_the_replica_is_asked_at_most_every_few_seconds(health, settings):
    settings.SHOUHU_REPLICA_CHECK_SECONDS = 60
    health.measure = lag = FakeLag(0.0)
    for _ in range(50):
        health.answer()
    assert lag.asked == 1
    health.forget()
    health.answer()
    assert lag.asked == 2


def test_a_failed_read_on_the_replica_leaves_it_until_the_next_check(health, settings, caplog):
    settings.SHOUHU_REPLICA_CHECK_SECONDS = 60
    health.measure = FakeLag(0.0)
    assert health.answer()
    with caplog.at_level("WARNING", logger="shouhu.replica"):
        health.fail(OSError("server closed the connection"))
    assert not health.answer()
    assert "a read failed" in caplog.records[0].getMessage()


def _wrote_cookie(method: str, *, writes: bool | str, monkeypatch, db) -> bool:
    monkeypatch.setattr(replica, "replica_configured", lambda: True)

    def view(request):
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            if writes == "session":
                cursor.execute('UPDATE "django_session" SET expire_date = expire_date WHERE 1 = 0')
            elif writes:
                cursor.execute('UPDATE "accounts_user" SET is_active = is_active WHERE 1 = 0')
            else:
                cursor.execute("SELECT 1")
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method.lower())("/")
    response = ReadYourWritesMiddleware(view)(request)
    return STICKY_COOKIE in response.cookies


def test_a_request_that_writes_sets_the_read_your_writes_cookie(monkeypatch, db, settings):
    settings.SHOUHU_REPLICA_STICKY_SECONDS = 5
    assert _wrote_cookie("POST", writes=True, monkeypatch=monkeypatch, db=db)
    assert not _wrote_cookie("POST", writes=False, monkeypatch=monkeypatch, db=db)
    # A page that is only read does not make its reader sticky, whatever it logs.
    assert not _wrote_cookie("GET", writes=True, monkeypatch=monkeypatch, db=db)
    # Nor does the session's save, which every request makes.
    assert not _wrote_cookie("POST", writes="session", monkeypatch=monkeypatch, db=db)


def test_a_signed_recent_cookie_sends_the_block_to_the_primary(monkeypatch, db):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    seen = []

    def view(request):
        with reading_from_replica():
            seen.append(reading_state()[1])
        return HttpResponse("ok")

    factory = RequestFactory()
    first = ReadYourWritesMiddleware(lambda r: HttpResponse("ok"))
    signed = first(factory.get("/"))  # no cookie given
    assert STICKY_COOKIE not in signed.cookies
    forged = factory.get("/")
    forged.COOKIES[STICKY_COOKIE] = "1"  # not signed: ignored
    ReadYourWritesMiddleware(view)(forged)
    real = factory.get("/")
    response = HttpResponse()
    response.set_signed_cookie(STICKY_COOKIE, "1", salt=replica._STICKY_SALT)
    real.COOKIES[STICKY_COOKIE] = response.cookies[STICKY_COOKIE].value
    ReadYourWritesMiddleware(view)(real)
    assert seen == [False, True]


def test_a_block_that_writes_reads_its_own_writes_from_the_primary_after():
    router = ReplicaRouter()
    with reading_from_replica():
        block = reading_state()[0]
        assert not block.wrote
        router.db_for_write(None)
        assert block.wrote
    with reading_from_replica():
        assert not reading_state()[0].wrote  # a new block starts clean


def test_the_routing_is_handed_to_a_thread_that_reads_for_the_block():
    seen = []
    with reading_from_replica():
        state = reading_state()

        def run():
            reading_state_set(state)
            seen.append(reading_state())

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    assert seen == [state]
    assert reading_state() == (None, False)


def test_as_a_decorator_each_call_has_a_block_of_its_own():
    blocks = []

    @reading_from_replica()
    def read():
        block = reading_state()[0]
        blocks.append((block, block.wrote))
        ReplicaRouter().db_for_write(None)  # this call writes

    read()
    read()
    (first, first_began_written), (second, second_began_written) = blocks
    assert first is not second
    assert (first_began_written, second_began_written) == (False, False)  # the first's write
    assert first.wrote and second.wrote  # does not send the second call to the primary
    assert reading_state() == (None, False)
