"""Shared helpers of the producer checks (scripts/test-producers): one line per check,
"ok NAME" or "FAIL NAME: detail", and the costledger binary run as a subprocess."""

import json
import subprocess
import sys


class Checks:
    def __init__(self, prefix):
        self.prefix = prefix
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        self.passed += 1
        print(f"ok {self.prefix}: {name}", flush=True)

    def fail(self, name, detail=""):
        self.failed += 1
        print(f"FAIL {self.prefix}: {name}" + (f": {detail}" if detail else ""), flush=True)

    def check(self, condition, name, detail=""):
        if condition:
            self.ok(name)
        else:
            self.fail(name, detail)
        return bool(condition)

    def equal(self, got, want, name):
        return self.check(got == want, name, f"got {got!r}, want {want!r}")

    def note(self, text):
        """Information that is no check (not counted)."""
        print(f"note {self.prefix}: {text}", flush=True)

    def finish(self):
        print(f"{self.prefix}: {self.passed} passed, {self.failed} failed", file=sys.stderr, flush=True)
        sys.exit(1 if self.failed else 0)


class Binary:
    def __init__(self, path, pricing, db):
        self.path = path
        self.pricing = pricing
        self.db = db

    def run(self, *args, check_rc=(0,)):
        proc = subprocess.run([self.path, *args], capture_output=True, text=True)
        if check_rc is not None and proc.returncode not in check_rc:
            raise RuntimeError(f"costledger {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[:2000]}")
        return proc

    def ingest(self, path):
        """The ingest summary (exit 0 or 1 are both "the work ran")."""
        proc = self.run("ingest", "--db", self.db, "--pricing", self.pricing, "--quiet", path, check_rc=(0, 1))
        return json.loads(proc.stdout), proc.returncode

    def export(self, start, end, fmt="json", out=None):
        args = ["export", "--db", self.db, "--pricing", self.pricing, "--from", start, "--to", end, "--format", fmt]
        if out:
            args += ["--out", out]
        proc = self.run(*args)
        return proc.stdout

    def export_rows(self, start, end):
        """Exported line items by event id (JSON format)."""
        return {row["event_id"]: row for row in json.loads(self.export(start, end, "json"))}

    def quote(self, provider, model, counts, tier, at):
        """cost_usd of `costledger quote` for an event's counts, and whether it is estimated."""
        flags = {
            "input_tokens": "--input", "output_tokens": "--output", "cached_tokens": "--cached",
            "cache_write_tokens": "--cache-write", "cache_write_1h_tokens": "--cache-write-1h",
            "input_audio_tokens": "--input-audio", "input_image_tokens": "--input-image",
            "output_audio_tokens": "--output-audio", "output_image_tokens": "--output-image",
            "reasoning_tokens": "--reasoning", "web_search_requests": "--web-searches",
        }
        args = ["quote", "--pricing", self.pricing, "--provider", provider, "--model", model]
        for field, flag in flags.items():
            args += [flag, str(counts.get(field, 0))]
        args += ["--tier", tier, "--at", at]
        out = self.run(*args).stdout
        fields = {}
        for line in out.splitlines():
            if ":" in line:
                key, value = line.split(":", 1)
                fields[key.strip()] = value.strip()
        return fields.get("cost_usd"), fields.get("estimated"), out


COUNT_FIELDS = (
    "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "cache_write_1h_tokens",
    "input_audio_tokens", "input_image_tokens", "output_audio_tokens", "output_image_tokens",
    "reasoning_tokens", "web_search_requests",
)
