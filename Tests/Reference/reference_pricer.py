#!/usr/bin/env python3
"""An independent re-computation of costledger's costs, for the tests.

Reads a `costledger export --format csv` file and the pricing directory, prices every row again
with Python's exact rationals (fractions.Fraction) following CONTRACT.md section 3, replaying the
free quotas in ledger order, with the model lookup of section 11.2/11.4 (exact ids of llm.csv,
then of catalogue/llm.csv, then patterns of each, then the fallbacks; ids folded to lower case), and prints JSON: {"total_nanos": N, "events": N, "mismatches": [...]}
where a mismatch is a row whose exported cost_usd differs from the re-computation.
Shares no code with costledger.
"""
import csv
import json
import os
import re
import sys
from collections import defaultdict
from fractions import Fraction


def dec(text):
    return Fraction(text) if text.strip() else None


def is_pattern(name):
    return name != "*" and (name.startswith("re:") or "*" in name)


def pattern_matcher(name):
    if name.startswith("re:"):
        return re.compile(name[3:]).search
    return re.compile("^" + ".*".join(re.escape(p) for p in name.lower().split("*")) + "$", re.DOTALL).match


class LLMPrices:
    """Standard rows by key; exact ids and patterns in lookup order across both files."""

    def __init__(self, pricing):
        self.rows = defaultdict(list)
        self.exact = {}
        self.patterns = defaultdict(list)
        files = [pricing + "/llm.csv", pricing + "/catalogue/llm.csv"]
        claimed = set()
        for number, path in enumerate(files):
            if not os.path.exists(path):
                continue
            patterns = defaultdict(list)
            with open(path, newline="", encoding="utf-8-sig") as f:
                for r in csv.DictReader(f):
                    key = (number, r["provider"], r["model"].lower())
                    if number == 1 and key[1:] in claimed:
                        continue
                    if number == 0:
                        claimed.add(key[1:])
                    if r.get("service_tier"):
                        continue  # section-2 events use standard rows only
                    self.rows[key].append(r)
                    for name in [r["model"]] + [a for a in (r.get("aliases") or "").split(";") if a]:
                        if is_pattern(name):
                            if all(p[0] != name for p in patterns[r["provider"]]):
                                patterns[r["provider"]].append((name, pattern_matcher(name), key))
                        else:
                            self.exact.setdefault((r["provider"], name.lower()), key)
            for provider, found in patterns.items():
                self.patterns[provider].extend(found)

    def row(self, provider, model, date):
        folded = model.lower()
        key = self.exact.get((provider, folded))
        if key is None:
            key = next((k for _, match, k in self.patterns.get(provider, []) if match(folded)), None)
        found = in_force(self.rows.get(key, []), date) if key else None
        for fallback in ((provider, "*"), ("*", "*")):
            if found is None and fallback in self.exact:
                found = in_force(self.rows[self.exact[fallback]], date)
        return found


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
    llm = LLMPrices(pricing)
    services = load_services(pricing + "/services.csv")
    quota = defaultdict(int)
    total = 0
    count = 0
    mismatches = []
    with open(export_path, newline="") as f:
        for row in csv.DictReader(f):
            date = row["timestamp"][:10]
            if row["kind"] == "llm":
                r = llm.row(row["provider"], row["model"], date)
                inp, out = int(row["input_tokens"]), int(row["output_tokens"])
                cached, written = int(row["cached_tokens"]), int(row["cache_write_tokens"])
                pin, pout = dec(r["input_per_mtok"]), dec(r["output_per_mtok"])
                pread, pwrite = dec(r.get("cache_read_per_mtok") or ""), dec(r.get("cache_write_per_mtok") or "")
                threshold = r.get("long_context_threshold")
                if threshold and inp > int(threshold):
                    pin = dec(r.get("long_input_per_mtok") or "") or pin
                    pout = dec(r.get("long_output_per_mtok") or "") or pout
                    pread = dec(r.get("long_cache_read_per_mtok") or "") or pread
                    pwrite = dec(r.get("long_cache_write_per_mtok") or "") or pwrite
                usd = ((inp - cached - written) * pin + cached * (pread if pread is not None else pin)
                       + written * (pwrite if pwrite is not None else pin) + out * pout) / 1_000_000
                if row["batch"] == "true":
                    usd *= 1 - (dec(r.get("batch_discount") or "") or 0)
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
