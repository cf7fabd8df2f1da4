"""Issue 17 goal 5: every main page under HTTP load, beside a bare axum
handler on the same machine in the same run.

Serves the demo with its national-scale organisation (`tandem demo
--scale`, made once and kept in --work), signs in as each role, and for
every page runs wrk (16 connections by default) against the page and then
against the bare handler, interleaved, --runs times. Prints each page's
median requests a second, p50 and p99 latency, and its share of the bare
handler's throughput in the same round.

Called by scripts/bench; run alone with --help.
"""

import argparse
import html.parser
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse

PASSWORD = "tandem-demo-password"
ROLES = ["scale.coordinator", "scale.hr", "scale.manager", "scale.mentor",
         "scale.mentee", "admin"]


class CsrfField(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.token = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrf":
            self.token = a.get("value")


def request(address, method, path, cookie="", body=None):
    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    cookies = [v.split(";")[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    return response.status, data, cookies


def merge(cookie, new):
    jar = dict(c.split("=", 1) for c in cookie.split("; ") if "=" in c)
    for c in new:
        name, value = c.split("=", 1)
        jar[name] = value
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(address, local):
    status, page, cookies = request(address, "GET", "/sign-in")
    parser = CsrfField()
    parser.feed(page.decode())
    if status != 200 or not parser.token:
        sys.exit(f"pages: the sign-in page gave {status} with no CSRF token")
    cookie = merge("", cookies)
    form = urllib.parse.urlencode({"email": f"{local}@tandem.example",
                                   "password": PASSWORD, "csrf": parser.token})
    status, _, cookies = request(address, "POST", "/sign-in", cookie, form)
    if status != 303:
        sys.exit(f"pages: {local} did not sign in (status {status}); was the demo made with --scale?")
    return merge(cookie, cookies)


def api(address, cookie, path):
    status, body, _ = request(address, "GET", path, cookie)
    if status != 200:
        sys.exit(f"pages: GET {path} gave {status}")
    return json.loads(body)


def start(command, pattern, log, timeout):
    out = open(log, "w")
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(1)
        found = re.search(pattern, open(log).read())
        if found:
            return process, found.group(1)
        if process.poll() is not None:
            sys.exit(f"pages: {command[0]} stopped:\n{open(log).read()}")
    process.kill()
    sys.exit(f"pages: {command[0]} did not start in {timeout} s")


def wrk(url, cookie, seconds, connections):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    latency = {}
    for line in text.splitlines():
        found = re.match(r"\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\b", line)
        if found:
            value = float(found.group(2))
            unit = found.group(3)
            latency[found.group(1)] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    return rate, latency.get("50"), latency.get("99"), int(bad.group(1)) if bad else 0, errors.group(0) if errors else ""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tandem", required=True)
    p.add_argument("--bare", required=True)
    p.add_argument("--database-url", required=True)
    p.add_argument("--key-file", required=True)
    p.add_argument("--scale", default="50000,20000,500000,2000")
    p.add_argument("--work", required=True)
    p.add_argument("--label", default="SQLite")
    p.add_argument("--seconds", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--only", default="", help="measure only pages whose name contains this")
    args = p.parse_args()

    log = os.path.join(args.work, f"pages-{args.label.lower()}.log")
    print(f"pages: serving {args.label} at scale {args.scale} (made once; minutes the first time)…", flush=True)
    tandem, address = start(
        [args.tandem, "--database-url", args.database_url, "demo", "--key-file", args.key_file,
         "--scale", args.scale, "--bind", "127.0.0.1:0"],
        r"running at http://([\d.:]+)/", log, 4 * 3600)
    bare, bare_address = start([args.bare, "127.0.0.1:0"], r"http://([\d.:]+)/",
                               os.path.join(args.work, "bare.log"), 60)
    try:
        cookies = {local: sign_in(address, local) for local in ROLES}
        coordinator = cookies["scale.coordinator"]
        programmes = api(address, coordinator, "/api/programmes")
        items = programmes if isinstance(programmes, list) else programmes.get("programmes", [])
        national = next(p["id"] for p in items if p["name"] == "National Mentoring Programme")
        # The scale mentee's relationship, whose mentor is the scale mentor.
        mine = api(address, cookies["scale.mentee"], "/api/relationships")
        rows = mine if isinstance(mine, list) else mine.get("relationships", [])
        relationship = rows[0]["id"]
        mentee = api(address, cookies["scale.mentee"], "/api/me")["person_id"]
        pages = [
            ("coordinator: home", "scale.coordinator", "/"),
            ("coordinator: /people", "scale.coordinator", "/people"),
            ("coordinator: /people, page 500", "scale.coordinator", "/people?page=500"),
            ("coordinator: /people, a search", "scale.coordinator", "/people?q=family4242"),
            ("coordinator: a person", "scale.coordinator", f"/people/{mentee}"),
            ("coordinator: /programmes", "scale.coordinator", "/programmes"),
            ("coordinator: the programme", "scale.coordinator", f"/programmes/{national}"),
            ("coordinator: screening", "scale.coordinator", f"/programmes/{national}/screening"),
            ("coordinator: matching", "scale.coordinator", f"/programmes/{national}/matching"),
            ("coordinator: register", "scale.coordinator", f"/programmes/{national}/register"),
            ("coordinator: relationships", "scale.coordinator", f"/programmes/{national}/relationships"),
            ("HR: home", "scale.hr", "/"),
            ("line manager: home", "scale.manager", "/"),
            ("line manager: /people", "scale.manager", "/people"),
            ("mentor: home", "scale.mentor", "/"),
            ("mentor: a relationship", "scale.mentor", f"/relationships/{relationship}"),
            ("mentee: home", "scale.mentee", "/"),
            ("mentee: their relationship", "scale.mentee", f"/relationships/{relationship}"),
            ("administrator: /people, a search", "admin", "/people?q=family4242"),
        ]
        pages = [page for page in pages if args.only in page[0]]
        for name, who, path in pages:
            status, body, _ = request(address, "GET", path, cookies[who])
            if status != 200:
                sys.exit(f"pages: {name} ({path}) gave {status}")
        results = []
        for name, who, path in pages:
            rounds = []
            for _ in range(args.runs):
                base = wrk(f"http://{bare_address}/", "", args.seconds, args.connections)
                page = wrk(f"http://{address}{path}", cookies[who], args.seconds, args.connections)
                if page[3]:
                    sys.exit(f"pages: {name} had {page[3]} responses that were not 2xx or 3xx")
                rounds.append((page, base))
            rate = statistics.median(r[0][0] for r in rounds)
            p50 = statistics.median(r[0][1] for r in rounds)
            p99 = statistics.median(r[0][2] for r in rounds)
            share = statistics.median(r[0][0] / r[1][0] for r in rounds)
            bare_rate = statistics.median(r[1][0] for r in rounds)
            results.append((name, path, rate, p50, p99, share, bare_rate))
            print(f"  {name}: {rate:,.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, {share:.1%} of bare ({bare_rate:,.0f})", flush=True)
        print()
        print(f"Pages on {args.label}, scale {args.scale}, wrk -c{args.connections}, "
              f"{args.runs} x {args.seconds} s interleaved with the bare axum handler:")
        print()
        print("| page | req/s | p50 ms | p99 ms | share of bare |")
        print("|---|---|---|---|---|")
        for name, path, rate, p50, p99, share, _ in results:
            print(f"| {name} (`{re.sub(r'/[0-9]+', '/{id}', path)}`) | {rate:,.0f} | {p50:.1f} | {p99:.1f} | {share:.1%} |")
        print(f"\nThe bare handler: {statistics.median(r[6] for r in results):,.0f} req/s (median of its rounds).")
    finally:
        tandem.terminate()
        bare.terminate()
        tandem.wait()
        bare.wait()


if __name__ == "__main__":
    main()
