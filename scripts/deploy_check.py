"""The checks of `make test-deploy` (scripts/test-deploy.sh), from the outside, as a browser.

Against nginx over HTTPS (a self-signed certificate, trusted here): the login page answers 200
(no redirect loop) with HSTS; its CSS, htmx and icon load by hashed names, compressed; the login
passes the CSRF check and its session works; /healthz is ok. Against gunicorn directly: a
forwarded scheme from an address that is not the proxy is ignored. Then both access logs hold
the client's address (127.0.0.1), never the proxy's (127.0.0.2) nor one the client wrote into
X-Forwarded-For, and no query string.
"""

import argparse
import http.cookiejar
import json
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

MARKER = "zhangsan-511781201501010011"  # a query that must reach no log
SPOOFED = "6.6.6.6"
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg)$")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(*, cert: str | None, jar: http.cookiejar.CookieJar):
    handlers: list = [NoRedirect(), urllib.request.HTTPCookieProcessor(jar)]
    if cert:
        handlers.append(
            urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cert))
        )
    return urllib.request.build_opener(*handlers)


def fetch(open_, url: str, *, data: dict | None = None, headers: dict | None = None):
    """(status, headers, body) without following redirects."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - the test's own http(s) servers
        url, data=body, headers={"User-Agent": "deploy-check", **(headers or {})}
    )
    try:
        with open_.open(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok  {message}")


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in (
        "origin",
        "cert",
        "app",
        "http",
        "username",
        "password",
        "gunicorn-log",
        "nginx-log",
    ):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()
    jar = http.cookiejar.CookieJar()
    browser = opener(cert=args.cert, jar=jar)
    login_url = f"{args.origin}/accounts/login/"

    status, headers, body = fetch(
        browser, f"{login_url}?next=/children/%3Fq%3D{MARKER}", headers={"X-Forwarded-For": SPOOFED}
    )
    check(status == 200, f"the login page answers 200 over HTTPS through nginx (got {status})")
    hsts = headers.get("Strict-Transport-Security", "")
    check(hsts.startswith("max-age=31536000"), f"HSTS is sent ({hsts!r})")
    page = body.decode()

    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    check(
        len(links) >= 3 and all(HASHED.search(link) for link in links),
        f"static files by hashed names: {links}",
    )
    for link in links:
        status, headers, _ = fetch(
            browser, f"{args.origin}{link}", headers={"Accept-Encoding": "br, gzip"}
        )
        check(
            status == 200 and headers.get("Content-Encoding") == "br", f"{link} answers 200, Brotli"
        )

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    status, headers, body = fetch(
        browser,
        login_url,
        data={"username": args.username, "password": args.password, "csrfmiddlewaretoken": token},
        headers={"Origin": args.origin, "Referer": login_url},
    )
    where = headers.get("Location", "")
    check(
        status == 302 and "login" not in where, f"the login passes the CSRF check (302 → {where})"
    )
    # The admin's next stop is the second factor's enrolment: the session must carry there.
    for _ in range(5):
        status, headers, body = fetch(browser, urllib.parse.urljoin(args.origin, where))
        if status != 302:
            break
        where = headers["Location"]
    check(
        status == 200 and "login" not in where and "守护" in body.decode(),
        f"the session holds over HTTPS ({where} answers {status})",
    )

    monitor = opener(cert=args.cert, jar=http.cookiejar.CookieJar())  # no session
    status, _, body = fetch(monitor, f"{args.origin}/healthz")
    check(
        status == 200 and json.loads(body) == {"status": "ok", "database": "ok", "worker": "ok"},
        "/healthz is ok through nginx",
    )
    status, headers, _ = fetch(browser, f"{args.http}/accounts/login/")
    check(
        status == 301 and headers["Location"].startswith("https://"),
        "plain HTTP is sent to HTTPS by nginx",
    )
    status, headers, _ = fetch(
        opener(cert=None, jar=http.cookiejar.CookieJar()),
        f"{args.app}/accounts/login/",
        headers={"X-Forwarded-Proto": "https", "Host": "localhost"},
    )
    check(
        status == 301, "a forwarded scheme from outside the trusted proxies is ignored (redirect)"
    )

    time.sleep(0.5)  # gunicorn writes its access line after the response
    for name, path in (("gunicorn", args.gunicorn_log), ("nginx", args.nginx_log)):
        log = open(path, encoding="utf-8").read()
        lines = [line for line in log.splitlines() if "/accounts/login/" in line]
        check(bool(lines), f"the {name} access log has the requests")
        through_nginx = [line for line in lines if "deploy-check" in line]
        check(
            all(line.startswith("127.0.0.1 ") for line in through_nginx),
            f"the {name} log names the client, 127.0.0.1",
        )
        check(
            "127.0.0.2" not in log and SPOOFED not in log,
            f"the {name} log names neither the proxy nor a spoofed address",
        )
        check(MARKER not in log and "?next" not in log, f"the {name} log holds no query string")
    return 0


if __name__ == "__main__":
    sys.exit(main())
