"""The load test (`make load`, issue 18 "Load held"): mixed users drive `shouhu serve` for real.

`scripts/load.sh` builds the stage (a throwaway PostgreSQL 15 cluster, `shouhu synth
--children 20000 --months 12`, `shouhu serve` with SHOUHU_DEBUG=0), then runs this script:

    python bench/load.py --base http://127.0.0.1:PORT --users 50 --seconds 300

1. `prepare`: picks real synth accounts for the users (the demo password, `shouhu demo-logins`)
   and gives the accounts that must pass a second factor (the county officer, the privacy
   officer) one recovery code per user, so each user logs in as a person does: password, then
   the code. Nothing else is written before the run.
2. The users, each with its own session (cookies, CSRF token) and connection, start one a
   second (`--spawn-rate`, locust's), then repeat weighted tasks until the time is up, with a
   person's think time of 1-5 s before each page they ask for (the fragments htmx loads come at
   once). The personas and their tasks are `PERSONAS`:
   - teachers (this term's proxy parents, subject teachers across the county's schools) open
     their worklist (我的待办 and its fragments) and record home visits through the form, a
     real POST with the CSRF token, each visit's summary carrying a unique marker;
   - head teachers take their class's roll call (once: a day has one) and open children's files
     (the list, a file and its nine fragments, as htmx loads them);
   - leaders and officers (school, township, village, county) open the census, the dashboard
     and the month's compliance;
   - the privacy officer searches the access log.
3. Every request is timed; an error is a status outside 2xx/3xx, a timeout, a redirect to the
   login page, or a page without its expected marker (the text the page must show).
4. `check_writes`: afterwards, every write counted as successful (a visit's marker, a class's
   roll call) is looked up in the database: a missing one is lost, one found twice duplicated.
5. The table (p50/p95/p99 per request kind and overall, requests/s, errors, lost writes) and
   `load_users`, `load_rps`, `load_p95_ms`, `load_errors`, `load_lost_writes` merged into
   var/bench.json (`run.bench_json_merge`). Exit status 1 when errors > 0, p95 >= 500 ms or a
   write is lost or duplicated.

Why not locust: it is not installable on the project's machines (no package in the index the
machines reach), and neither are httpx nor aiohttp; this uses the standard library only
(threads and http.client). Its shape is locust's: a user class per persona with a weight,
weighted tasks, `between(1, 5)` think time, a spawn rate; moving it to locust is a matter of
turning each persona into an `HttpUser` and each task into a `@task(weight)`.

The pure parts (bench/load_pages.py: percentiles, the accounting of writes, the form reading,
the report; and the pages' URL names here) are tested in shouhu/ops/tests/test_load_scenario.py,
in the normal suite. bench/load_db.py reads and writes the database (accounts, writes).
"""

import argparse
import http.client
import math
import random
import re
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from load_db import Account, check_writes, django_setup, prepare
from load_pages import (
    Sample,
    WriteLedger,
    attribute_of,
    fields_set,
    figures_of,
    links,
    loaded_fragments,
    post_form_fields,
    print_report,
    server_times,
    summarize,
    targets_missed,
)

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 10.0
THINK_S = (1.0, 5.0)
SPAWN_PER_S = 1.0  # users started a second (locust's spawn rate): a login costs Argon2
PASSWORD = "shouhu-demo"  # shouhu.demo.data.DEMO_PASSWORD: every synth account's
# The pages the users open: a URL name and its path, or the pattern of the links to it (the
# test reverses each name, so a renamed or moved page fails the normal suite).
PATHS = {
    "accounts:login": "/accounts/login/",
    "accounts:two-factor-verify": "/accounts/two-factor/",
    "home": "/",
    "schooling:roll-call-classes": "/school/attendance/",
    "registry:child-list": "/children/",
    "reports:census": "/census/",
    "reports:dashboard": "/dashboard/",
    "care:compliance": "/care/compliance/",
    "audit:access-log": "/privacy/access-log/",
    "audit:index": "/privacy/",
}
LINKS = {
    "care:child-action-create": r"/care/children/[0-9a-f-]{36}/record/",
    "care:child-care": r"/care/children/[0-9a-f-]{36}/$",
    "registry:child-detail": r"/children/[0-9a-f-]{36}/$",
    "schooling:roll-call": r"/school/attendance/classes/\d+/$",
}
LOGIN_PATH = PATHS["accounts:login"]
TWO_FACTOR_PATH = PATHS["accounts:two-factor-verify"]
MARKER_RE = r"LOAD-[0-9a-f]{8}-\d{6}"


# --- one user: a session, a connection, and the requests' timings -----------------------------


class Failed(Exception):
    """The task cannot go on (the error is already counted)."""


@dataclass
class Response:
    status: int
    headers: dict
    body: str
    path: str


class Session:
    """A browser's session: its own connection, cookies and CSRF token; every request timed."""

    def __init__(self, base: str, samples: list[Sample], lock: threading.Lock) -> None:
        parts = urlsplit(base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
        self.cookies: dict[str, str] = {}
        self.samples, self.lock = samples, lock
        self.last_page = f"{self.origin}/"

    def _record(self, kind: str, ms: float, error: str = "") -> None:
        with self.lock:
            self.samples.append(Sample(kind, ms, error))

    def _store_cookies(self, headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            if name.lower() != "set-cookie":
                continue
            pair, _sep, rest = value.partition(";")
            key, _eq, cookie = pair.strip().partition("=")
            if re.search(r"max-age=0\b", rest, re.I) or cookie == '""':
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = cookie

    def request(
        self,
        kind: str,
        path: str,
        *,
        data: list[tuple[str, str]] | None = None,
        marker: str | None = None,
        fragment: bool = False,
        expect: tuple[int, ...] = (200, 301, 302, 303),
    ) -> Response:
        """One request, timed and judged; raises Failed (after counting it) when it went wrong."""
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "shouhu-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.last_page,
            }
        if fragment:
            headers |= {"HX-Request": "true", "HX-Current-URL": self.last_page}
        started = time.perf_counter()
        try:
            self.connection.request("POST" if data is not None else "GET", path, body, headers)
            raw = self.connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            ms = (time.perf_counter() - started) * 1000
            reason = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
            self._record(kind, ms, reason)
            raise Failed(f"{kind} {path}: {reason}") from error
        ms = (time.perf_counter() - started) * 1000
        if raw.getheader("Connection", "").lower() == "close":
            self.connection.close()
        self._store_cookies(raw.getheaders())
        response = Response(raw.status, dict(raw.getheaders()), text, path)
        fault = self.judge(response, expect=expect, marker=marker)
        self._record(kind, ms, fault)
        if fault:
            raise Failed(f"{kind} {path}: {fault}")
        if not fragment and response.status == 200:
            self.last_page = self.origin + path
        return response

    @staticmethod
    def judge(response: Response, *, expect: tuple[int, ...], marker: str | None) -> str:
        location = response.headers.get("Location", "")
        if response.status not in expect:
            return f"HTTP {response.status}"
        if LOGIN_PATH in location and not response.path.startswith(LOGIN_PATH):
            return "sent to the login page"
        if marker and response.status == 200 and marker not in response.body:
            return f"no marker {marker!r}"
        return ""

    def get(self, kind: str, path: str, *, marker: str | None = None) -> Response:
        """GET, following redirects as a browser does (each redirect is a request of its own);
        the marker is looked for on the page it ends on."""
        response = self.request(kind, path, marker=marker)
        hops = 0
        while response.status in (301, 302, 303) and hops < 5:
            target = urljoin(self.origin + path, response.headers["Location"])
            path = urlsplit(target)._replace(scheme="", netloc="").geturl()
            response = self.request(kind, path, marker=marker)
            hops += 1
        return response

    def fragments(self, kind: str, page: Response) -> None:
        for url in loaded_fragments(page.body):
            self.request(kind, url, fragment=True, expect=(200, 204, 286))

    def post_form(
        self, kind: str, page: Response, changes: dict[str, str], *, expect=(302, 303)
    ) -> Response:
        fields = post_form_fields(page.body)
        if fields is None:
            self._record(kind, 0.0, "no form on the page")
            raise Failed(f"{kind}: no form on {page.path}")
        for name, value in changes.items():
            fields = fields_set(fields, name, value)
        return self.request(kind, page.path, data=fields, expect=expect)

    def login(self, username: str, password: str, code: str | None, think: Callable) -> None:
        """The login page, the password typed, then (for the roles that need one) the code."""
        page = self.get("login", LOGIN_PATH, marker="csrfmiddlewaretoken")
        think()
        done = self.post_form("login", page, {"username": username, "password": password})
        if TWO_FACTOR_PATH in done.headers.get("Location", "") or code:
            page = self.get("login", urlsplit(done.headers["Location"]).path)
            if page.path.startswith(TWO_FACTOR_PATH):
                think()
                self.post_form("login", page, {"token": code or ""})


# --- the personas and their tasks -------------------------------------------------------------


@dataclass
class Context:
    """What a user's tasks share: the run's marker stem, the ledger, the user's own state."""

    run_id: str
    ledger: WriteLedger
    rng: random.Random
    numbering: "Numbering"
    deadline: float  # time.monotonic() when the run ends
    state: dict = field(default_factory=dict)

    def think(self) -> None:
        """A person's pause (reading the page, typing) before the next page they ask for; the
        fragments htmx loads come at once, without one. Raises TimeUp when the run ends first."""
        pause = self.rng.uniform(*THINK_S)
        if time.monotonic() + pause >= self.deadline:
            raise TimeUp
        time.sleep(pause)


class TimeUp(Exception):
    """The run ends before the user's next request."""


class Numbering:
    """1, 2, 3, … across the users' threads: each write's marker is unique within the run."""

    def __init__(self) -> None:
        self.n, self.lock = 0, threading.Lock()

    def next(self) -> int:
        with self.lock:
            self.n += 1
            return self.n


def worklist(s: Session, ctx: Context) -> None:
    page = s.get("worklist", PATHS["home"], marker="我的待办")
    s.fragments("worklist fragment", page)
    ctx.state["worklist"] = page


def record_visit(s: Session, ctx: Context) -> None:
    """From the worklist, an item's 记录 button: the form, a summary with the run's marker, 保存."""
    page = s.get("worklist", PATHS["home"], marker="我的待办")
    items = links(page.body, LINKS["care:child-action-create"])
    if not items:
        return  # nothing due: the teacher looks and leaves
    ctx.think()
    form = s.get("visit form", ctx.rng.choice(items), marker="csrfmiddlewaretoken")
    marker = f"LOAD-{ctx.run_id}-{ctx.numbering.next():06d}"
    changes = {"summary": f"压测家访记录 {marker}：与监护人交流孩子近况。"}
    fields = dict(post_form_fields(form.body) or [])
    if not fields.get("done_on"):  # a late entry (补录): the last day the period allows
        changes["done_on"] = (
            attribute_of(form.body, tag_re=r"input[^>]*name=\"done_on\"", attribute="max") or ""
        )
    ctx.think()  # typing the summary
    saved = s.post_form("visit save", form, changes)
    ctx.ledger.add("visit", marker)
    s.get("child care", saved.headers["Location"], marker="关爱")


def child_care(s: Session, ctx: Context) -> None:
    page = ctx.state.get("worklist") or s.get("worklist", PATHS["home"], marker="我的待办")
    children = links(page.body, LINKS["care:child-care"])
    if children:
        s.get("child care", ctx.rng.choice(children), marker="关爱")


def roll_call(s: Session, ctx: Context) -> None:
    """Today's roll call of the class, once a day: one child absent (病假), the rest present."""
    page = s.get("roll call", PATHS["schooling:roll-call-classes"], marker="点名")
    if ctx.state.get("roll_call_taken") or "已点名" in page.body or "今天不是上课日" in page.body:
        return  # taken already today (it is corrected only for a reason), or no school today
    fields = post_form_fields(page.body) or []
    reasons = [name for name, _v in fields if name.startswith("reason_")]
    if not reasons:
        return
    absent = ctx.rng.choice(reasons)
    ctx.think()  # going down the list
    s.post_form("roll call save", page, {absent: "sick"})
    class_id = page.path.rstrip("/").rsplit("/", 1)[-1]
    ctx.ledger.add("roll_call", f"{class_id}:{absent.removeprefix('reason_')}")
    ctx.state["roll_call_taken"] = True
    s.get("roll call", page.path, marker="已点名")


def child_file(s: Session, ctx: Context) -> None:
    """The child list, then one child's file with the fragments htmx loads into it."""
    page = s.get("child list", PATHS["registry:child-list"], marker="儿童")
    children = links(page.body, LINKS["registry:child-detail"])
    if not children:
        return
    ctx.think()
    file = s.get("child file", ctx.rng.choice(children), marker="care-section")
    s.fragments("child file fragment", file)


def census(s: Session, ctx: Context) -> None:
    s.get("census", PATHS["reports:census"], marker="留守")


def dashboard(s: Session, ctx: Context) -> None:
    s.get("dashboard", PATHS["reports:dashboard"], marker="</html>")


def compliance(s: Session, ctx: Context) -> None:
    s.get("compliance", PATHS["care:compliance"], marker="</html>")


def privacy_search(s: Session, ctx: Context) -> None:
    """The privacy officer looks up who opened what: by a user, or by a child's name."""
    query = ctx.rng.choice(
        [{"user": "head"}, {"user": "teacher"}, {"child": ctx.rng.choice("王李张刘陈杨")}, {}]
    )
    s.get("access-log search", PATHS["audit:access-log"] + "?" + urlencode(query), marker="</html>")


def privacy_index(s: Session, ctx: Context) -> None:
    s.get("privacy index", PATHS["audit:index"], marker="</html>")


Task = Callable[[Session, Context], None]


@dataclass(frozen=True)
class Persona:
    """A user class (locust's HttpUser): its weight among the users and its tasks with their
    weights (locust's @task(weight)); `first` runs right after the login (on_start)."""

    name: str
    weight: int
    tasks: tuple[tuple[Task, int], ...]
    first: Task | None = None  # on_start, after the login


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "teacher",
        8,
        ((worklist, 3), (record_visit, 2), (child_care, 1)),
        first=worklist,
    ),
    Persona(
        "head_teacher",
        6,
        ((child_file, 3), (roll_call, 1), (worklist, 1)),
        first=roll_call,
    ),
    Persona(
        "officer",
        5,
        ((census, 2), (dashboard, 2), (compliance, 1)),
    ),
    Persona(
        "privacy",
        1,
        ((privacy_search, 3), (privacy_index, 1)),
    ),
)


def personas_for(users: int) -> list[Persona]:
    """`users` personas in proportion to their weights (largest remainders), every persona at
    least once when there are as many users as personas; in a fixed, mixed order."""
    total = sum(p.weight for p in PERSONAS)
    shares = [users * p.weight / total for p in PERSONAS]
    counts = [math.floor(x) for x in shares]
    if users >= len(PERSONAS):
        counts = [max(1, c) for c in counts]
    while sum(counts) > users:
        counts[counts.index(max(counts))] -= 1
    order = sorted(range(len(PERSONAS)), key=lambda i: counts[i] - shares[i])
    for i in order[: users - sum(counts)]:
        counts[i] += 1
    mixed: list[Persona] = []
    left = list(counts)
    while any(left):
        for i, persona in enumerate(PERSONAS):
            if left[i]:
                mixed.append(persona)
                left[i] -= 1
    return mixed


def user_loop(
    *,
    persona: Persona,
    account: Account,
    base: str,
    ctx: Context,
    samples: list[Sample],
    lock: threading.Lock,
    failures: list[str],
) -> None:
    session = Session(base, samples, lock)
    try:
        session.login(account.username, PASSWORD, account.recovery_code, ctx.think)
    except Failed as error:
        with lock:
            failures.append(f"{persona.name} {account.username}: {error}")
        return
    except TimeUp:
        return
    tasks = [t for t, _w in persona.tasks]
    weights = [w for _t, w in persona.tasks]
    task = persona.first or ctx.rng.choices(tasks, weights)[0]
    while True:
        try:
            task(session, ctx)
        except Failed as error:
            with lock:
                failures.append(f"{persona.name} {account.username}: {error}")
        except TimeUp:
            break
        try:
            ctx.think()
        except TimeUp:
            break
        task = ctx.rng.choices(tasks, weights)[0]
    session.connection.close()


# --- the run ----------------------------------------------------------------------------------


def run(*, base: str, users: int, seconds: float, seed: int, spawn: float = SPAWN_PER_S) -> dict:
    django_setup()
    from django.utils import timezone

    run_id = secrets.token_hex(4)
    plan = personas_for(users)
    accounts = prepare(plan)
    ledger, numbering = WriteLedger(), Numbering()
    samples: list[Sample] = []
    failures: list[str] = []
    lock = threading.Lock()
    since = timezone.now()
    started = time.monotonic()
    deadline = started + seconds
    threads = []
    for n, (persona, account) in enumerate(zip(plan, accounts, strict=True)):
        rng = random.Random(f"{seed}-{n}")
        ctx = Context(run_id=run_id, ledger=ledger, rng=rng, numbering=numbering, deadline=deadline)
        thread = threading.Thread(
            target=user_loop,
            kwargs={
                "persona": persona,
                "account": account,
                "base": base,
                "ctx": ctx,
                "samples": samples,
                "lock": lock,
                "failures": failures,
            },
            daemon=True,
        )
        thread.start()
        threads.append(thread)
        if time.monotonic() + 1 / spawn >= deadline:
            break  # a run shorter than the spawning: the users started so far
        time.sleep(1 / spawn)
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started
    rows, overall = summarize(samples)
    check = check_writes(ledger, run_id=run_id, since=since)
    return {
        "users": len(threads),
        "seconds": seconds,
        "elapsed": elapsed,
        "rows": rows,
        "overall": overall,
        "rps": len(samples) / elapsed if elapsed else 0.0,
        "check": check,
        "failures": failures,
        "plan": Counter(p.name for p in plan[: len(threads)]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--spawn-rate", type=float, default=SPAWN_PER_S, help="users a second")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench.json"))
    parser.add_argument("--access-log", help="gunicorn's access log: where the server's time went")
    args = parser.parse_args(argv)
    result = run(
        base=args.base,
        users=args.users,
        seconds=args.seconds,
        seed=args.seed,
        spawn=args.spawn_rate,
    )
    print_report(result)
    if args.access_log and Path(args.access_log).exists():
        print("\nwhere the server's time went (gunicorn's access log), the largest first:")
        print(f"{'request':<52}{'count':>7}{'total s':>9}{'p95 ms':>9}")
        for page, count, total, p95 in server_times(Path(args.access_log).read_text())[:12]:
            print(f"{page[:51]:<52}{count:>7}{total:>9.1f}{p95:>9.0f}")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import bench_json_merge

    bench_json_merge(path=Path(args.out), figures=figures_of(result))
    missed = targets_missed(result)
    if missed:
        print("TARGET MISSED: " + "; ".join(missed))
        return 1
    print("targets held: 0 errors, p95 < 500 ms, no write lost or duplicated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
