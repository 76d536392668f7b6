#!/usr/bin/env python3
"""An independent re-computation of costledger's costs, for the tests.

Reads a `costledger export --format csv` file and the pricing directory, prices every row again
with Python's exact rationals (fractions.Fraction) following CONTRACT.md section 3, replaying the
free quotas in ledger order, and prints JSON: {"total_nanos": N, "events": N, "mismatches": [...]}
where a mismatch is a row whose exported cost_usd differs from the re-computation.
Shares no code with costledger.
"""
import csv
import json
import sys
from collections import defaultdict
from fractions import Fraction


def dec(text):
    return Fraction(text) if text.strip() else None


def load_llm(path):
    rows = defaultdict(list)
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            for model in [r["model"]] + [a for a in r["aliases"].split(";") if a]:
                rows[(r["provider"], model)].append(r)
    return rows


def load_services(path):
    rows = defaultdict(list)
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            rows[(r["service"], r["operation"])].append(r)
    return rows


def in_force(rows, date):
    best = None
    for r in rows:
        if r["effective_from"] <= date and (best is None or r["effective_from"] > best["effective_from"]):
            best = r
    return best


def nanos(usd):
    # round() on a Fraction rounds half to even.
    return round(usd * 1_000_000_000)


def main():
    export_path, pricing = sys.argv[1], sys.argv[2]
    llm = load_llm(pricing + "/llm.csv")
    services = load_services(pricing + "/services.csv")
    quota = defaultdict(int)
    total = 0
    count = 0
    mismatches = []
    with open(export_path, newline="") as f:
        for row in csv.DictReader(f):
            date = row["timestamp"][:10]
            if row["kind"] == "llm":
                r = (in_force(llm.get((row["provider"], row["model"]), []), date)
                     or in_force(llm.get((row["provider"], "*"), []), date)
                     or in_force(llm.get(("*", "*"), []), date))
                inp, out = int(row["input_tokens"]), int(row["output_tokens"])
                cached, written = int(row["cached_tokens"]), int(row["cache_write_tokens"])
                pin, pout, pread, pwrite = dec(r["input_per_mtok"]), dec(r["output_per_mtok"]), dec(r["cache_read_per_mtok"]), dec(r["cache_write_per_mtok"])
                threshold = r["long_context_threshold"]
                if threshold and inp > int(threshold):
                    pin = dec(r["long_input_per_mtok"]) or pin
                    pout = dec(r["long_output_per_mtok"]) or pout
                    pread = dec(r["long_cache_read_per_mtok"]) or pread
                usd = ((inp - cached - written) * pin + cached * (pread if pread is not None else pin)
                       + written * (pwrite if pwrite is not None else pin) + out * pout) / 1_000_000
                if row["batch"] == "true":
                    usd *= 1 - (dec(r["batch_discount"]) or 0)
                cost = nanos(usd)
            else:
                r = in_force(services.get((row["service"], row["operation"]), []), date)
                cost = 0
                if r is not None and row["status"] == "success":
                    usd = (dec(r["price_per_call"]) or 0) + (dec(r["price_per_unit"]) or 0) * int(row["units"])
                    if r["free_quota_per_month"]:
                        pool = (row["service"], row["operation"], row["tenant_id"] if r["quota_scope"] == "tenant" else "", date[:7])
                        free = quota[pool] < int(r["free_quota_per_month"])
                        quota[pool] += 1
                        if free:
                            usd = 0
                    cost = nanos(usd)
            stored = nanos(Fraction(row["cost_usd"]))
            if stored != cost:
                mismatches.append({"sequence": int(row["sequence"]), "stored": stored, "expected": cost})
            total += cost
            count += 1
    print(json.dumps({"total_nanos": total, "events": count, "mismatches": mismatches[:20]}))


if __name__ == "__main__":
    main()
