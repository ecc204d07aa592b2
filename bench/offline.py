"""Offline capture (issue 19) figures, measured by `run.py` (group `offline`):

- `offline_sync_50_ms` (target < 1 s): a phone's outbox of 50 records (home visits, calls and
  letters to the teacher's children, each with a new phone id) uploaded through
  /care/offline/upload/ with the test client, as the demo's teacher sends it. Each run stores
  50 new care actions through `care_action_record`, inside a transaction rolled back
  afterwards. `extra.cpu_ms` is its CPU time (the machine is shared), `extra.sync_down_ms` the
  phone's copy (/care/offline/sync/) fetched alone.
"""

import json
import statistics
import time
import uuid

BATCH = 50
KINDS = ("visit", "call", "letter")


def offline_figures(clients: dict, *, suffix: str, measure_cls, median_ms) -> list:
    measure = measure_cls(
        f"offline_sync_50{suffix}_ms", f"an outbox of {BATCH} records uploaded, teacher"
    )
    _upload(measure, client=clients["teacher"], median_ms=median_ms)
    return [measure]


def _upload(measure, *, client, median_ms) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    sync = client.get("/care/offline/sync/")
    if sync.status_code != 200:
        measure.error = f"/care/offline/sync/ answered {sync.status_code}"
        return
    children = [c["id"] for c in sync.json()["children"]]
    if not children:
        measure.error = "the teacher has no child to record for"
        return
    today = timezone.localdate().isoformat()

    def post() -> list[dict]:
        records = [
            {
                "id": str(uuid.uuid4()),
                "type": KINDS[n % len(KINDS)],
                "child": children[n % len(children)],
                "day": today,
                "summary": "家访：奶奶身体好，孩子作业按时完成。",
            }
            for n in range(BATCH)
        ]
        response = client.post(
            "/care/offline/upload/",
            json.dumps({"records": records}),
            content_type="application/json",
        )
        return response.json()["results"]

    with transaction.atomic():
        results = post()
        stored = sum(r["status"] == "stored" for r in results)
        if stored != BATCH:
            refused = [r["reason"] for r in results if r["status"] != "stored"][:3]
            measure.error = f"{stored}/{BATCH} stored: {refused}"
            transaction.set_rollback(True)
            return
        measure.value, measure.runs = median_ms(run=post, warmups=1)
        with CaptureQueriesContext(connection) as queries:
            post()
        measure.queries = len(queries)
        cpu = []
        for _ in range(5):
            started = time.process_time()
            post()
            cpu.append((time.process_time() - started) * 1000)
        down, _runs = median_ms(run=lambda: client.get("/care/offline/sync/"), runs=5)
        # The machine is shared: the CPU time moves less with the load than the wall time.
        measure.extra = {
            "children": len(children),
            "cpu_ms": round(statistics.median(cpu), 2),
            "sync_down_ms": down,
        }
        transaction.set_rollback(True)
