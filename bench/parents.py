"""The parents' channel's figures of `make bench` (issue 19), measured inside `run.py`'s county
process on the demo county (group `parents`):

- `parent_home_ms` (target < 100 ms): a parent's home page /parents/, as the father of the demo's
  first parent who wrote in opens it (logged in through the real code step, the code read from
  the outbox), the access log written each time as in production;
- `parent_home_bytes` (target < 50 KB): the bytes a parent's phone downloads for that page: the
  HTML and its stylesheets (images aside, as the issue says), uncompressed.
"""

import re


def parents_figures(*, measure: type, median_ms, measure_page) -> list:
    from django.contrib.staticfiles import finders
    from django.test import Client

    from shouhu.demo.parents import demo_parent_logins
    from shouhu.notify.models import Message

    home = measure("parent_home_ms", "parent's home /parents/, demo's first parent")
    size = measure("parent_home_bytes", "parent's home: HTML + stylesheets", unit="bytes")
    logins = demo_parent_logins()
    if not logins:
        home.skipped = size.skipped = "no demo parent (the demo predates the parents' channel)"
        return [home, size]
    phone = logins[0][0]
    client = Client()
    client.post("/parents/login/", {"phone": phone})
    sms = Message.objects.filter(kind="otp").order_by("-id").first()
    code = re.search(r"\d{6}", sms.body).group(0) if sms else ""
    client.post("/parents/login/code/", {"code": code})
    measure_page(home, client=client, url="/parents/")
    page = client.get("/parents/")
    html = page.content
    sheets = re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html)
    css = 0
    for sheet in sheets:
        path = finders.find(sheet.decode().split("?")[0])
        if path:
            with open(path, "rb") as f:
                css += len(f.read())
    size.value = len(html) + css
    size.extra = {"html": len(html), "css": css, "target": 50 * 1024}
    return [home, size]
