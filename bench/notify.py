"""The notify benchmark of `make bench` (issue 19): `notify_deliver_1000_s`, delivering 1,000
queued messages with the file backend (each claimed, checked against the quiet hours and the
daily cap, appended to the log and marked sent).

`run_notify_benchmark()` runs this file in a subprocess with a throwaway SQLite database:

1. migrate the empty database;
2. at 10:00 today in China (outside the quiet hours), `RUNS` times: queue 1,000 SMS to 1,000
   numbers (not timed), then time `messages_deliver_due`;
3. print the figures as one JSON line: {"notify_deliver_1000_s": {...}}.
"""

import datetime
import json
import statistics
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from isolated import django_ready, run_isolated

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = 1000
RUNS = 3


def run_notify_benchmark() -> dict:
    return run_isolated(
        __file__,
        name="notify",
        env={
            "SHOUHU_SMS_BACKEND": "shouhu.notify.backends.FileBackend",
            "SHOUHU_MESSAGES_LOG": "{tmp}/messages.log",
        },
    )


def _main() -> None:
    django_ready()
    import time_machine
    from django.conf import settings

    from shouhu.notify.delivery import messages_deliver_due
    from shouhu.notify.services import message_queue

    china = ZoneInfo("Asia/Shanghai")
    morning = datetime.datetime.combine(
        datetime.datetime.now(china).date(), datetime.time(10), tzinfo=china
    )
    timings = []
    sent = 0
    with time_machine.travel(morning, tick=True):
        for run in range(RUNS):
            for n in range(MESSAGES):
                message_queue(
                    kind="bench",
                    body=f"【守护】三年级(2)班 李同学有一项新的家访任务（{run}-{n}）",
                    to_address=f"138{run:02d}{n:06d}",
                )
            started = time.perf_counter()
            result = messages_deliver_due()
            timings.append(time.perf_counter() - started)
            sent += result.sent
    lines = Path(settings.SHOUHU_MESSAGES_LOG).read_text(encoding="utf-8").count("\n")
    print(
        json.dumps(
            {
                "notify_deliver_1000_s": {
                    "value": round(statistics.median(timings), 2),
                    "unit": "s",
                    "messages": MESSAGES,
                    "runs": RUNS,
                    "sent": sent,
                    "logged": lines,
                }
            }
        )
    )


if __name__ == "__main__":
    _main()
