"""CONTRACT section 13 through the real binary on a real PostgreSQL (scripts/test-postgres runs it
under scripts/with-postgres). Python's standard library only.

  same      the same events and as_of on SQLite and on PostgreSQL: every report file, every export
            (csv, json, focus), budgets, recommend, the textfile and verify, byte for byte
  copy      copy SQLite -> PostgreSQL -> SQLite: each copy verifies, its exports equal the source's;
            a non-empty destination is refused (exit 2)
  many      three `serve` instances on one database, concurrent clients, every batch sent twice to
            two instances, one instance killed with SIGKILL mid-stream: every acknowledged event
            stored once, one gapless sequence, the free quota consumed once per call in ledger
            order, verify passes
  outage    the cluster stopped under a running `serve`: 503 (POST and /health/ready), then, once
            it is started again, the same server accepts again and loses no acknowledged event

One line per check ("ok ..." / "FAIL ..."), then a count on stderr; exit 1 when a check failed.
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Producers"))
from checks import Checks  # noqa: E402

AS_OF = "2026-11-30T12:00:00Z"


class Env:
    def __init__(self, args):
        self.bin = args.bin
        self.pricing = args.pricing
        self.server = os.environ["COSTLEDGER_TEST_POSTGRES_URL"]
        self.ctl = os.environ.get("COSTLEDGER_TEST_POSTGRES_CTL")
        self.work = tempfile.mkdtemp(prefix="costledger-pg-")
        self.count = 0

    def database(self, name):
        """A fresh database on the test server; its URL."""
        self.count += 1
        db = f"{name}_{os.getpid()}_{self.count}"
        subprocess.run(["psql", self.server, "-q", "-X", "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {db}"], check=True)
        base, _, query = self.server.partition("?")
        return base.rsplit("/", 1)[0] + "/" + db + (("?" + query) if query else "")

    def sql(self, url, query):
        out = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", query], check=True,
                             capture_output=True, text=True)
        return out.stdout.strip()

    def run(self, *args, rc=(0,), stdin=None):
        proc = subprocess.run([self.bin, *args], capture_output=True, input=stdin)
        if rc is not None and proc.returncode not in rc:
            raise RuntimeError(f"costledger {' '.join(args)} exited {proc.returncode}: {proc.stderr.decode()[:1500]}")
        return proc

    def path(self, name):
        return os.path.join(self.work, name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def outputs(env, db, tag):
    """Every read output of one ledger, by name: report files, exports, budgets, recommend, textfile, verify."""
    got = {}
    out = env.path(f"report-{tag}")
    env.run("report", "--db", db, "--pricing", env.pricing, "--as-of", AS_OF, "--out", out)
    for name in sorted(os.listdir(out)):
        with open(os.path.join(out, name), "rb") as f:
            got["report/" + name] = f.read()
    for fmt in ("csv", "json", "focus"):
        got["export." + fmt] = env.run("export", "--db", db, "--pricing", env.pricing, "--from", "2026-01-01", "--to", "2027-01-01",
                                       "--format", fmt).stdout
    got["export.csv tenant"] = env.run("export", "--db", db, "--from", "2026-11-20", "--to", "2026-11-29T13:00:00Z", "--tenant",
                                       "acme-srl").stdout
    got["budgets"] = env.run("budgets", "--db", db, "--pricing", env.pricing, "--as-of", AS_OF).stdout
    got["recommend"] = env.run("recommend", "--db", db, "--pricing", env.pricing, "--as-of", AS_OF, "--format", "csv").stdout
    prom = env.path(f"textfile-{tag}.prom")
    env.run("textfile", "--db", db, "--pricing", env.pricing, "--as-of", AS_OF, "--out", prom)
    with open(prom, "rb") as f:
        got["textfile"] = f.read()
    got["verify"] = env.run("verify", "--db", db, "--pricing", env.pricing).stdout
    return got


def compare(c, name, left, right):
    for key in sorted(set(left) | set(right)):
        a, b = left.get(key), right.get(key)
        if a == b:
            c.ok(f"{name}: {key} identical ({len(a or b'')} bytes)")
        else:
            detail = "missing on one side" if a is None or b is None else first_difference(a, b)
            c.fail(f"{name}: {key} differs", detail)


def first_difference(a, b):
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}: {x[:160]!r} vs {y[:160]!r}"
    return f"{len(la)} vs {len(lb)} lines"


def check_same(c, env):
    sqlite = env.path("same.sqlite")
    pg = env.database("same")
    demo_s = env.run("demo", "--db", sqlite, "--pricing", env.pricing, "--as-of", AS_OF, "--out", env.path("demo-s")).stdout
    demo_p = env.run("demo", "--db", pg, "--pricing", env.pricing, "--as-of", AS_OF, "--out", env.path("demo-p")).stdout
    def strip(text, out):
        lines = (line for line in text.split(b"\n") if not line.startswith(b"ledger "))
        return b"\n".join(lines).replace(env.path(out).encode(), b"OUT")
    c.equal(strip(demo_p, "demo-p"), strip(demo_s, "demo-s"), "same: demo's summary (but for the ledger's name and the folder)")
    events = int(env.sql(pg, "SELECT count(*) FROM events"))
    c.check(events > 20000, "same: the demo stored its events in PostgreSQL", f"{events} events")
    compare(c, "same", outputs(env, sqlite, "s"), outputs(env, pg, "p"))
    return sqlite, pg


def check_copy(c, env, sqlite, pg):
    source_exports = outputs(env, sqlite, "copy-src")
    pg2 = env.database("copy")
    proc = env.run("copy", "--from", sqlite, "--to", pg2, "--pricing", env.pricing, "--quiet")
    c.check(proc.stdout.startswith(b"copied "), "copy: SQLite -> PostgreSQL", proc.stdout.decode().strip())
    compare(c, "copy to PostgreSQL", source_exports, outputs(env, pg2, "copy-pg"))
    back = env.path("back.sqlite")
    env.run("copy", "--from", pg2, "--to", back, "--pricing", env.pricing, "--quiet")
    compare(c, "copy back to SQLite", source_exports, outputs(env, back, "copy-back"))
    refused = env.run("copy", "--from", sqlite, "--to", pg, "--pricing", env.pricing, "--quiet", rc=None)
    c.equal(refused.returncode, 2, "copy: into a non-empty PostgreSQL ledger is exit 2")
    c.check(b"already holds" in refused.stderr, "copy: the refusal says why", refused.stderr.decode().strip())
    hashes = [env.sql(u, "SELECT encode(hash, 'hex') FROM events ORDER BY seq DESC LIMIT 1") for u in (pg, pg2)]
    c.equal(hashes[1], hashes[0], "copy: the copy's chain ends in the same hash as the demo's own PostgreSQL ledger")


class Server:
    def __init__(self, env, db, tokens, name):
        self.port = free_port()
        self.log = open(env.path(f"serve-{name}.log"), "wb")
        self.proc = subprocess.Popen(
            [env.bin, "serve", "--db", db, "--pricing", env.pricing, "--tokens", tokens, "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health/live", timeout=2).read()
                return
            except Exception:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"serve {name} exited {self.proc.returncode}")
                time.sleep(0.2)
        raise RuntimeError(f"serve {name} did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def post(port, token, body, timeout=30):
    """(status, parsed JSON or None); status 0 when the connection failed."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/events", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/x-ndjson"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, None


def event(i):
    minute = i % 600
    stamp = f"2026-11-{10 + (i % 5):02d}T{8 + minute // 60:02d}:{minute % 60:02d}:00Z"
    if i % 3 == 0:
        return {"id": f"m-{i}", "kind": "api", "timestamp": stamp, "tenant_id": f"t{i % 4}", "worker": "enrich",
                "operation": "email_finder", "service": "hunter", "status": "success"}
    return {"id": f"m-{i}", "kind": "llm", "timestamp": stamp, "tenant_id": f"t{i % 4}", "worker": "agent", "operation": "chat",
            "provider": "openai", "model": "gpt-4o", "input_tokens": 1000 + i, "output_tokens": 100}


def token(env, tokens, name):
    return env.run("token", "add", name, "--role", "ingest", "--tokens", tokens).stdout.decode().strip()


def check_many(c, env):
    db = env.database("many")
    tokens = env.path("tokens-many.csv")
    ingest = token(env, tokens, "workers")
    env.run("ingest", "--db", db, "--pricing", env.pricing, "--quiet", "-", stdin=b"")  # the schema, once
    servers = [Server(env, db, tokens, f"many-{n}") for n in range(3)]
    batches = [[event(b * 20 + k) for k in range(20)] for b in range(150)]
    acknowledged = set()
    lock = threading.Lock()
    killed = threading.Event()

    def send(index, first):
        body = "".join(json.dumps(e) + "\n" for e in batches[index]).encode()
        order = [(first + k) % 3 for k in range(3)]
        for attempt in range(60):
            target = order[attempt % 3]
            if killed.is_set() and target == 2:
                continue
            status, answer = post(servers[target].port, ingest, body)
            if status == 200 and not answer["rejected"]:
                with lock:
                    acknowledged.update(e["id"] for e in batches[index])
                return answer["accepted"], answer["duplicates"]
            time.sleep(0.05)
        raise RuntimeError(f"batch {index} was never acknowledged")

    def killer():
        time.sleep(1.0)
        servers[2].proc.send_signal(signal.SIGKILL)
        killed.set()

    threading.Thread(target=killer).start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(send, i, i % 3) for i in range(len(batches))] + [pool.submit(send, i, (i + 1) % 3) for i in range(len(batches))]
        answers = [f.result() for f in futures]
    servers[2].proc.wait()
    c.check(servers[2].proc.returncode == -signal.SIGKILL, "many: instance 3 was killed with SIGKILL mid-stream")
    for server in servers[:2]:
        server.stop()
    sent = len(batches) * 20
    accepted = sum(a for a, _ in answers)
    c.equal(len(acknowledged), sent, "many: every batch was acknowledged (each sent twice, to two instances)")
    rows = env.sql(db, "SELECT count(*), count(DISTINCT id), min(seq), max(seq) FROM events")
    c.equal(rows, f"{sent}|{sent}|1|{sent}", "many: every event stored exactly once, one gapless sequence 1..N")
    c.check(accepted <= sent, "many: the answers' accepted add up to at most the events sent",
            f"{accepted} accepted over {len(answers)} answers")
    # The free quota (hunter/email_finder, 25 a month, global) in ledger order: the first 25 calls free, the rest paid.
    costs = env.sql(db, "SELECT string_agg(cost_nanos::text, ',' ORDER BY seq) FROM events WHERE service = 'hunter'").split(",")
    calls = len(costs)
    c.equal(costs, ["0"] * 25 + ["30000000"] * (calls - 25), f"many: the free quota is consumed once per call in ledger order ({calls} calls)")
    c.equal(env.sql(db, "SELECT used FROM quota_usage WHERE service = 'hunter'"), str(calls), "many: the quota count is the calls stored")
    verify = env.run("verify", "--db", db, "--pricing", env.pricing, rc=None)
    c.equal(verify.stdout.decode().strip(), f"ok {sent} events", "many: verify passes on the database three instances wrote")


def check_outage(c, env):
    if not env.ctl:
        c.fail("outage: COSTLEDGER_TEST_POSTGRES_CTL is not set (run under scripts/with-postgres)")
        return
    db = env.database("outage")
    tokens = env.path("tokens-outage.csv")
    ingest = token(env, tokens, "workers")
    server = Server(env, db, tokens, "outage")
    acknowledged = []

    def send(first, count):
        body = "".join(json.dumps(event(100_000 + i)) + "\n" for i in range(first, first + count)).encode()
        status, answer = post(server.port, ingest, body, timeout=60)
        if status == 200:
            acknowledged.extend(range(first, first + count))
        return status

    c.equal(send(0, 10), 200, "outage: accepted before the database goes away")
    subprocess.run([env.ctl, "stop"], check=True)
    try:
        statuses = [send(10 + 10 * k, 10) for k in range(3)]
        c.check(all(s == 503 for s in statuses), "outage: POSTs while the database is down get 503", f"statuses {statuses}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/health/ready", timeout=10)
            ready = 200
        except urllib.error.HTTPError as error:
            ready = error.code
        c.equal(ready, 503, "outage: /health/ready is 503 while the database cannot be written")
    finally:
        subprocess.run([env.ctl, "start"], check=True)
    deadline = time.time() + 30
    status = 0
    while time.time() < deadline:
        status = send(100, 10)
        if status == 200:
            break
        time.sleep(0.5)
    c.equal(status, 200, "outage: the same server accepts again once the database is back")
    ready = urllib.request.urlopen(f"http://127.0.0.1:{server.port}/health/ready", timeout=10).status
    c.equal(ready, 200, "outage: /health/ready is 200 again")
    server.stop()
    stored = set(env.sql(db, "SELECT string_agg(id, ',') FROM events").split(","))
    c.check(all(f"m-{100_000 + i}" in stored for i in acknowledged), "outage: every acknowledged event is stored",
            f"{len(acknowledged)} acknowledged, {len(stored)} stored")
    c.equal(env.run("verify", "--db", db, "--pricing", env.pricing).stdout.decode().strip(), f"ok {len(stored)} events",
            "outage: verify passes")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--pricing", required=True)
    parser.add_argument("--only", choices=["same", "copy", "many", "outage"])
    args = parser.parse_args()
    env = Env(args)
    c = Checks("postgres")
    try:
        if args.only in (None, "same", "copy"):
            sqlite, pg = check_same(c, env)
            if args.only in (None, "copy"):
                check_copy(c, env, sqlite, pg)
        if args.only in (None, "many"):
            check_many(c, env)
        if args.only in (None, "outage"):
            check_outage(c, env)
    except Exception as error:  # a crash is one FAIL, with its reason
        c.fail("the checks stopped", repr(error)[:2000])
    finally:
        if os.environ.get("POSTGRES_CHECKS_KEEP") == "1":
            print(f"note postgres: files kept in {env.work}", file=sys.stderr)
        else:
            shutil.rmtree(env.work, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
