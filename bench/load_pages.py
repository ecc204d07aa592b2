"""The load test's pure parts (bench/load.py): percentiles, the accounting of the writes, and
reading pages as a browser does (a form's fields, the fragments htmx loads, links). No Django,
no network: shouhu/ops/tests/test_load_scenario.py tests them in the normal suite."""

import math
import os
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

TARGET_P95_MS = 500.0  # the target, with 0 errors and no write lost

# --- the numbers --------------------------------------------------------------------------------


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0 < q <= 100) by the nearest-rank method: the smallest value with at
    least q % of the values at or below it (locust reports the same kind of figure)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Sample:
    kind: str
    ms: float
    error: str = ""  # empty: the request did what it should


@dataclass
class KindStats:
    kind: str
    count: int
    errors: int
    p50: float
    p95: float
    p99: float
    max: float


def stats_of(kind: str, samples: list[Sample]) -> KindStats:
    times = [s.ms for s in samples]
    return KindStats(
        kind=kind,
        count=len(samples),
        errors=sum(1 for s in samples if s.error),
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        p99=percentile(times, 99),
        max=max(times) if times else math.nan,
    )


def summarize(samples: list[Sample]) -> tuple[list[KindStats], KindStats]:
    """Per request kind (slowest p95 first), and overall."""
    by_kind: dict[str, list[Sample]] = {}
    for sample in samples:
        by_kind.setdefault(sample.kind, []).append(sample)
    rows = sorted((stats_of(k, v) for k, v in by_kind.items()), key=lambda r: -r.p95)
    return rows, stats_of("overall", samples)


# --- the writes' accounting -------------------------------------------------------------------


@dataclass
class WriteLedger:
    """The writes the scenario counted as successful, each under a unique key (a visit's marker,
    a class's roll call). Thread-safe: every user adds to the one ledger."""

    keys: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, key: str) -> None:
        with self.lock:
            self.keys[(kind, key)] += 1

    def expected(self, kind: str) -> list[str]:
        return sorted(k for (w, k) in self.keys if w == kind)


@dataclass
class WriteCheck:
    counted: int
    lost: list[str]
    twice: list[str]  # found more than once, or counted more than once (a key must be unique)
    unconfirmed: int  # found, though not counted (a timeout after the server's commit): no fault

    @property
    def bad(self) -> int:
        return len(self.lost) + len(self.twice)


def writes_compare(counted: Counter, found: Counter) -> WriteCheck:
    """`counted`: key → times the scenario counted it successful; `found`: key → rows found."""
    lost = sorted(k for k in counted if found.get(k, 0) == 0)
    twice = sorted(k for k in set(counted) | set(found) if found.get(k, 0) > 1 or counted[k] > 1)
    unconfirmed = sum(1 for k in found if k not in counted)
    return WriteCheck(counted=len(counted), lost=lost, twice=twice, unconfirmed=unconfirmed)


# --- reading pages as a browser does ------------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of each form of a page, as a browser would submit them untouched: inputs with
    their value (checkboxes and radios only when checked), a select's selected option (or its
    first), a textarea's text. Buttons are not submitted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            form = {"method": a.get("method", "get").lower(), "action": a.get("action", "")}
            self.forms.append(form | {"fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self.forms:
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _s in options[:1]]
            self.forms[-1]["fields"] += [(name, v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1]["fields"].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def post_form_fields(html: str) -> list[tuple[str, str]] | None:
    """The fields of the page's first POST form that posts to the page itself (no action: not
    the header's logout button), or None when it has none."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if form["method"] == "post" and not form["action"]:
            return list(form["fields"])
    return None


def fields_set(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The fields with `name` set to `value` (added when the form lacks it)."""
    kept = [(k, v) for k, v in fields if k != name]
    return [*kept, (name, value)]


def attribute_of(html: str, *, tag_re: str, attribute: str) -> str | None:
    match = re.search(rf"<{tag_re}[^>]*\b{attribute}=\"([^\"]*)\"", html)
    return match.group(1) if match else None


def loaded_fragments(html: str) -> list[str]:
    """The URLs htmx fetches as soon as the page is shown (`hx-get` with `hx-trigger="load"`)."""
    urls = []
    for tag in re.findall(r"<[a-z]+\b[^>]*\bhx-get=\"[^\"]+\"[^>]*>", html):
        if re.search(r"\bhx-trigger=\"load\"", tag):
            urls.append(re.search(r"hx-get=\"([^\"]+)\"", tag).group(1).replace("&amp;", "&"))  # type: ignore[union-attr]
    return urls


def links(html: str, pattern: str) -> list[str]:
    """The page's links whose href matches `pattern` (a regular expression, from the start)."""
    return [
        h.replace("&amp;", "&")
        for h in re.findall(r"href=\"([^\"]+)\"", html)
        if re.match(pattern, h.replace("&amp;", "&"))
    ]


# --- the report ---------------------------------------------------------------------------------


def spread(names: list[str], n: int) -> list[str]:
    """n of the names, evenly spaced through them (all the schools, not the first one's)."""
    if not names:
        return []
    step = max(1, len(names) // max(1, n))
    picked = names[::step][:n]
    return picked + [names[i % len(names)] for i in range(n - len(picked))]


def print_report(result: dict) -> None:
    def ms(x: float) -> str:
        return "—" if math.isnan(x) else f"{x:.0f}"

    print()
    heads = ("count", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms")
    print(f"{'request kind':<24}" + "".join(f"{h:>9}" for h in heads))
    for r in [*result["rows"], result["overall"]]:
        cells = (str(r.count), str(r.errors), ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max))
        print(f"{r.kind:<24}" + "".join(f"{c:>9}" for c in cells))
    check: WriteCheck = result["check"]
    plan = ", ".join(f"{n} {k}" for k, n in result["plan"].items())
    print(
        f"\n{result['users']} users ({plan}) for {result['seconds']:.0f} s: "
        f"{result['rps']:.1f} requests/s; writes counted {check.counted}, lost {len(check.lost)}, "
        f"twice {len(check.twice)}, found but not counted {check.unconfirmed}"
    )
    for failure in result["failures"][:15]:
        print(f"  error: {failure}")
    if len(result["failures"]) > 15:
        print(f"  … and {len(result['failures']) - 15} more")
    if check.lost or check.twice:
        print(f"  lost: {check.lost[:10]}  twice: {check.twice[:10]}")
    print("load average (1, 5, 15 min): " + ", ".join(f"{n:.2f}" for n in os.getloadavg()))


def figures_of(result: dict) -> dict:
    overall: KindStats = result["overall"]
    check: WriteCheck = result["check"]
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    extra = {"seconds": result["seconds"], "load_average": load}
    return {
        "load_users": {"value": result["users"], "unit": "users", **extra},
        "load_rps": {"value": round(result["rps"], 2), "unit": "req/s", **extra},
        "load_p95_ms": {"value": round(overall.p95, 1), "unit": "ms", **extra},
        "load_errors": {"value": overall.errors, "unit": "requests", **extra},
        "load_lost_writes": {"value": check.bad, "unit": "writes", "counted": check.counted},
    }


def targets_missed(result: dict) -> list[str]:
    overall: KindStats = result["overall"]
    missed = []
    if overall.errors:
        missed.append(f"{overall.errors} errors")
    if not overall.p95 < TARGET_P95_MS:
        missed.append(f"p95 {overall.p95:.0f} ms >= {TARGET_P95_MS:.0f} ms")
    if result["check"].bad:
        missed.append(f"{result['check'].bad} writes lost or duplicated")
    return missed


# --- where the server's time went (gunicorn's access log) --------------------------------------

ACCESS_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) .*? (?P<ms>\d+)ms '
)


def page_of(path: str) -> str:
    """A request's page, ids and query left out: /children/ID/, /school/attendance/classes/N/."""
    path = path.split("?", 1)[0]
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", path)
    return re.sub(r"/\d+/", "/N/", path)


def server_times(log: str) -> list[tuple[str, int, float, float]]:
    """From gunicorn's access log (`shouhu.core.serving`: "… 12ms …"): per method and page, the
    requests, the server's total seconds and its p95 ms; the most time-consuming first."""
    times: dict[str, list[float]] = {}
    for line in log.splitlines():
        match = ACCESS_LINE.search(line)
        if match:
            key = f"{match['method']} {page_of(match['path'])}"
            times.setdefault(key, []).append(float(match["ms"]))
    rows = [(k, len(v), sum(v) / 1000, percentile(v, 95)) for k, v in times.items()]
    return sorted(rows, key=lambda r: -r[2])
