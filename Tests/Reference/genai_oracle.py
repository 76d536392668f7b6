#!/usr/bin/env python3
"""genai-prices 0.2.3 as an oracle for costledger's LLM costs (CONTRACT section 11.4).

Run it with the Python of the virtual environment that scripts/update-prices makes
(`scripts/update-prices --python` prints it).

    genai_oracle.py < usages.jsonl
        Prices each JSON line {"provider", "model", "timestamp" (RFC 3339), "tier"
        (standard|batch|flex|priority|fast), "input_tokens", "cached_tokens",
        "cache_write_tokens", "cache_write_1h_tokens", "input_audio_tokens",
        "input_image_tokens", "output_tokens", "output_audio_tokens", "output_image_tokens",
        "reasoning_tokens", "web_search_requests"} (costledger's meaning, section 11.1; absent
        counts are 0) with genai-prices' calc_price and prints one line per input:
        {"cost_nanos": N, "total": "exact decimal"} or {"error": "..."}.
        cost_nanos is total_price rounded half-to-even to the nano-USD (section 1).

    genai_oracle.py --sample N --seed S [--catalogue FILE] [--until YYYY-MM-DD] [--operator FILE]
        Prints N usages, as those JSON lines, spread over every key and tier row of the
        catalogue (pricing/catalogue/llm.csv): every token kind the row prices (and now and then
        one it does not, to exercise the empty-price fallbacks), long-context requests at, just
        below and just above the threshold, timestamps on and just before every price change,
        model ids from the model column, the aliases and the patterns, in mixed case. The same
        N, S and catalogue give the same lines. --until keeps timestamps on or before that date
        (for ingest, which rejects future timestamps); --operator leaves out the model ids that
        an operator price file (pricing/llm.csv) claims, since that file wins over the catalogue.

    genai_oracle.py --self-check [--sample N] [--seed S] [--catalogue FILE]
        Prices N sample usages twice: with calc_price, and with a small independent
        re-implementation of CONTRACT section 11.3 (and 11.2's lookup) over the catalogue's rows,
        in exact decimals; prints the agreement and exits 1 when any cost differs.

How costledger's counts become genai-prices' Usage: input_tokens, output_tokens as they are;
cache_read_tokens = cached_tokens; cache_write_tokens = cache_write_tokens +
cache_write_1h_tokens (genai-prices counts all cache writes there) and cache_write_1h_tokens as
is; input_audio_tokens, input_image_tokens, output_audio_tokens, output_image_tokens as they are,
with cache_audio_read_tokens = cache_image_read_tokens = 0 (costledger's audio and image counts
exclude cached tokens); output_reasoning_tokens = reasoning_tokens; web_searches =
web_search_requests. The tier's price_context: standard none, batch {"processing": "batch"},
flex {"service_tier": "flex"}, priority {"service_tier": "priority"}, fast {"service_tier":
"fast", "speed": "fast"} (OpenAI's fast tier and Anthropic's fast mode; no model has both).
"""
import argparse
import csv
import json
import random
import re
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path

sys.dont_write_bytecode = True

TIERS = ["standard", "batch", "flex", "priority", "fast"]
PRICE_CONTEXT = {
    "standard": None,
    "batch": {"processing": "batch"},
    "flex": {"service_tier": "flex"},
    "priority": {"service_tier": "priority"},
    "fast": {"service_tier": "fast", "speed": "fast"},
}
COUNTS = ["input_tokens", "cached_tokens", "cache_write_tokens", "cache_write_1h_tokens",
          "input_audio_tokens", "input_image_tokens", "output_tokens", "output_audio_tokens",
          "output_image_tokens", "reasoning_tokens", "web_search_requests"]
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$")
DEFAULT_CATALOGUE = Path(__file__).resolve().parents[2] / "pricing" / "catalogue" / "llm.csv"
TOKEN_LIMIT = 100_000_000
NANO = Decimal("1e-9")


def fmt(value):
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def to_nanos(total):
    with localcontext() as ctx:
        ctx.prec = 100
        return int((total / NANO).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


# ---------------------------------------------------------------- the oracle


def genai_total(usage):
    """genai-prices' exact total_price for one usage (a dict in costledger's meaning)."""
    import warnings

    from genai_prices import Usage, calc_price

    n = {k: int(usage.get(k) or 0) for k in COUNTS}
    for key, value in n.items():
        if value < 0:
            raise ValueError(f"{key} is negative")
    tier = usage.get("tier") or "standard"
    if tier not in PRICE_CONTEXT:
        raise ValueError(f"unknown tier {tier!r}")
    stamp = datetime.fromisoformat(usage["timestamp"])
    if stamp.tzinfo is None:
        raise ValueError("timestamp has no offset")
    genai_usage = Usage(
        input_tokens=n["input_tokens"],
        cache_read_tokens=n["cached_tokens"],
        cache_write_tokens=n["cache_write_tokens"] + n["cache_write_1h_tokens"],
        cache_write_1h_tokens=n["cache_write_1h_tokens"],
        input_audio_tokens=n["input_audio_tokens"],
        input_image_tokens=n["input_image_tokens"],
        cache_audio_read_tokens=0,
        cache_image_read_tokens=0,
        output_tokens=n["output_tokens"],
        output_audio_tokens=n["output_audio_tokens"],
        output_image_tokens=n["output_image_tokens"],
        output_reasoning_tokens=n["reasoning_tokens"],
        web_searches=n["web_search_requests"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = calc_price(genai_usage, usage["model"], provider_id=usage["provider"],
                            genai_request_timestamp=stamp, price_context=PRICE_CONTEXT[tier])
    return result.total_price


def run_oracle(lines, out):
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            usage = json.loads(line)
            total = genai_total(usage)
            answer = {"cost_nanos": to_nanos(total), "total": fmt(total)}
        except Exception as error:  # noqa: BLE001 - every failure is an answer line
            answer = {"error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(answer) + "\n")


# ---------------------------------------------------------------- the catalogue, read as section 11.2 says


def is_pattern(name):
    return "*" in name or name.startswith("re:")


def matcher(name):
    if name.startswith("re:"):
        return re.compile(name[3:]).search
    return re.compile("^" + ".*".join(re.escape(p) for p in name.split("*")) + "$", re.DOTALL).match


class Catalogue:
    def __init__(self, path):
        with open(path, newline="", encoding="utf-8") as f:
            self.rows = list(csv.DictReader(f))
        self.keys = {}  # (provider, model) -> {"names": [...], "rows": {tier: [row...]}}
        self.exact = {}  # (provider, lower id) -> key
        self.patterns = {}  # provider -> [(name, match, key)]
        for row in self.rows:
            key = (row["provider"], row["model"])
            entry = self.keys.setdefault(key, {"names": [row["model"]] + [a for a in row["aliases"].split(";") if a],
                                               "rows": {}})
            entry["rows"].setdefault(row["service_tier"] or "standard", []).append(row)
            for name in entry["names"]:
                if is_pattern(name):
                    plist = self.patterns.setdefault(row["provider"], [])
                    if all(p[0] != name for p in plist):
                        plist.append((name, matcher(name), key))
                else:
                    self.exact.setdefault((row["provider"], name.lower()), key)
        for entry in self.keys.values():
            for rows in entry["rows"].values():
                rows.sort(key=lambda r: r["effective_from"])

    def lookup(self, provider, model):
        folded = model.lower()
        key = self.exact.get((provider, folded))
        if key is not None:
            return key
        return next((k for _, match, k in self.patterns.get(provider, []) if match(folded)), None)


def in_force(rows, day):
    found = None
    for row in rows or ():
        if row["effective_from"] <= day:
            found = row
    return found


def dec(text):
    return Decimal(text) if text not in (None, "") else None


def reference_total(catalogue, usage):
    """CONTRACT section 11.3 over the catalogue's rows, exactly; (total, key) or raises."""
    key = catalogue.lookup(usage["provider"], usage["model"])
    if key is None:
        raise LookupError("no catalogue row (would be a fallback)")
    stamp = datetime.fromisoformat(usage["timestamp"]).astimezone(UTC)
    day = stamp.date().isoformat()
    rows = catalogue.keys[key]["rows"]
    std = in_force(rows.get("standard"), day)
    if std is None:
        raise LookupError("no standard row in force")
    tier = usage.get("tier") or "standard"
    trow = in_force(rows.get(tier), day) if tier != "standard" else None
    n = {k: int(usage.get(k) or 0) for k in COUNTS}

    threshold = dec(trow["long_context_threshold"]) if trow and trow["long_context_threshold"] else \
        dec(std["long_context_threshold"])
    long = threshold is not None and n["input_tokens"] > threshold

    def paired(name):
        base_col, long_col = f"{name}_per_mtok", f"long_{name}_per_mtok"
        if trow is not None and trow[base_col]:
            base, above = dec(trow[base_col]), dec(trow[long_col])
            above = base if above is None else above
        else:
            base, above = dec(std[base_col]), dec(std[long_col])
        if long and above is not None:
            return above
        return base

    def other(column, fallback):
        value = dec(trow[column]) if trow is not None and trow[column] else dec(std[column])
        return fallback if value is None else value

    inp = paired("input")
    out = paired("output")
    cache_read = paired("cache_read")
    cache_write = paired("cache_write")
    cache_write_1h = paired("cache_write_1h")
    cache_read = inp if cache_read is None else cache_read
    cache_write = inp if cache_write is None else cache_write
    cache_write_1h = cache_write if cache_write_1h is None else cache_write_1h
    input_audio = other("input_audio_per_mtok", inp)
    input_image = other("input_image_per_mtok", inp)
    output_audio = other("output_audio_per_mtok", out)
    output_image = other("output_image_per_mtok", out)
    web = other("web_search_per_k", Decimal(0))
    request = other("request_per_k", Decimal(0))

    text_input = (n["input_tokens"] - n["cached_tokens"] - n["cache_write_tokens"] - n["cache_write_1h_tokens"]
                  - n["input_audio_tokens"] - n["input_image_tokens"])
    text_output = n["output_tokens"] - n["output_audio_tokens"] - n["output_image_tokens"]
    if text_input < 0 or text_output < 0 or n["reasoning_tokens"] > n["output_tokens"]:
        raise ValueError("parts exceed the total")
    with localcontext() as ctx:
        ctx.prec = 100
        per_token = (text_input * inp + n["cached_tokens"] * cache_read
                     + n["cache_write_tokens"] * cache_write + n["cache_write_1h_tokens"] * cache_write_1h
                     + n["input_audio_tokens"] * input_audio + n["input_image_tokens"] * input_image
                     + text_output * out + n["output_audio_tokens"] * output_audio
                     + n["output_image_tokens"] * output_image)
        total = per_token / Decimal(1_000_000) + n["web_search_requests"] * web / 1000 + request / 1000
        if tier == "batch" and trow is None:
            total *= 1 - (dec(std["batch_discount"]) or Decimal(0))
    return total, key


# ---------------------------------------------------------------- samples


class Sampler:
    POOL = "abcdefghijklmnopqrstuvwxyz0123456789-._/:@+"

    def __init__(self, catalogue, rng, until, operator):
        self.cat = catalogue
        self.rng = rng
        self.until = until
        self.operator = operator  # (exact set per provider, [patterns per provider])

    # ---- model ids
    def regex_samples(self, pattern):
        import re._constants as C
        import re._parser as P

        rng = self.rng

        def in_class(items, ch):
            negate, hit = False, False
            for op, av in items:
                if op is C.NEGATE:
                    negate = True
                elif op is C.LITERAL:
                    hit = hit or ord(ch) == av
                elif op is C.RANGE:
                    hit = hit or av[0] <= ord(ch) <= av[1]
                elif op is C.CATEGORY:
                    hit = hit or (ch.isdigit() if av is C.CATEGORY_DIGIT else
                                  not ch.isdigit() if av is C.CATEGORY_NOT_DIGIT else
                                  (ch.isalnum() or ch == "_") if av is C.CATEGORY_WORD else
                                  not ch.isspace() if av is C.CATEGORY_NOT_SPACE else False)
            return hit != negate

        def gen(sub):
            out = []
            for op, av in sub:
                if op is C.LITERAL:
                    out.append(chr(av))
                elif op is C.NOT_LITERAL:
                    out.append(rng.choice([c for c in self.POOL if ord(c) != av]))
                elif op is C.ANY:
                    out.append(rng.choice(self.POOL))
                elif op is C.IN:
                    allowed = [c for c in self.POOL if in_class(av, c)]
                    out.append(rng.choice(allowed) if allowed else "")
                elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                    lo, hi, item = av
                    hi = lo + 3 if hi is C.MAXREPEAT else hi
                    out.extend(gen(item) for _ in range(rng.randint(lo, min(hi, lo + 3))))
                elif op is C.SUBPATTERN:
                    out.append(gen(av[3]))
                elif op is C.BRANCH:
                    out.append(gen(rng.choice(av[1])))
                elif op is C.ASSERT and av[0] == 1:
                    out.append(gen(av[1]))
            return "".join(out)

        parsed = P.parse(pattern)
        compiled = re.compile(pattern)
        found = []
        for _ in range(30):
            text = gen(parsed)
            if compiled.search(text) and IDENTIFIER.match(text) and text not in found:
                found.append(text)
                if len(found) >= 3:
                    break
        return found

    def ids_for(self, key):
        provider = key[0]
        out = []
        if self.operator is not None and any((provider, name.lower()) in self.operator[0]
                                             for name in self.cat.keys[key]["names"]):
            return out  # the operator file hides this key (11.4)
        for name in self.cat.keys[key]["names"]:
            if name.startswith("re:"):
                candidates = self.regex_samples(name[3:])
            elif "*" in name:
                candidates = []
                for _ in range(3):
                    parts = name.split("*")
                    text = parts[0] if parts[0] else self.rng.choice(["", "acct/", "x"])
                    for part in parts[1:]:
                        text += self.rng.choice(["", "-2025-06-01", "-x9", "-latest", "v2"]) + part
                    candidates.append(text.lstrip("-/.") if not parts[0] else text)
            else:
                candidates = [name]
            for c in candidates:
                if IDENTIFIER.match(c) and len(c) <= 128 and self.cat.lookup(provider, c) == key \
                        and not self.claimed_by_operator(provider, c):
                    out.append(c)
        return out

    def claimed_by_operator(self, provider, model):
        if self.operator is None:
            return False
        exact, patterns = self.operator
        folded = model.lower()
        if (provider, folded) in exact:
            return True
        return any(match(folded) for p, match in patterns if p == provider)

    def mixed_case(self, text):
        if self.rng.random() < 0.2:
            return "".join(c.upper() if c.isalpha() and self.rng.random() < 0.5 else c for c in text)
        return text

    # ---- timestamps
    def timestamp(self, change_days):
        rng = self.rng
        roll = rng.random()
        changes = [d for d in change_days if d > "1970-01-01" and d <= self.until.isoformat()]
        if changes and roll < 0.35:
            day = date.fromisoformat(rng.choice(changes))
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if rng.random() < 0.5:
                moment += timedelta(seconds=rng.randint(0, 86399), milliseconds=rng.randint(0, 999))
        elif changes and roll < 0.6:
            day = date.fromisoformat(rng.choice(changes))
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(milliseconds=1)
        else:
            first = date(2024, 1, 1)
            span = (self.until - first).days
            day = first + timedelta(days=rng.randint(0, max(span, 0)))
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 86399))
        if rng.random() < 0.15:
            offset = timezone(timedelta(hours=rng.choice([-8, -5, 2, 5, 9]), minutes=rng.choice([0, 30])))
            local = moment.astimezone(offset)
            return local.isoformat(timespec="milliseconds")
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    # ---- counts
    def magnitude(self, cap=TOKEN_LIMIT):
        rng = self.rng
        scale = rng.choice([0, 10**3, 10**5, 10**6, 10**7, cap])
        return rng.randint(0, min(scale, cap))

    def counts(self, std, trow):
        rng = self.rng

        def priced(column):
            return bool((trow and trow.get(column)) or std.get(column))

        threshold = (trow and trow.get("long_context_threshold")) or std.get("long_context_threshold")
        if threshold and rng.random() < 0.6:
            t = int(threshold)
            total_in = rng.choice([t - 1, t, t + 1, t + rng.randint(2, 10**6), rng.randint(0, max(t - 2, 0))])
            total_in = max(0, min(total_in, TOKEN_LIMIT))
        else:
            total_in = self.magnitude()
        n = dict.fromkeys(COUNTS, 0)
        n["input_tokens"] = total_in
        remaining = total_in
        for count, column in [("cached_tokens", "cache_read_per_mtok"), ("cache_write_tokens", "cache_write_per_mtok"),
                              ("cache_write_1h_tokens", "cache_write_1h_per_mtok"),
                              ("input_audio_tokens", "input_audio_per_mtok"),
                              ("input_image_tokens", "input_image_per_mtok")]:
            if remaining and rng.random() < (0.7 if priced(column) else 0.1):
                part = rng.randint(0, remaining // rng.choice([1, 2, 4, 10]))
                n[count] = part
                remaining -= part
        total_out = self.magnitude(rng.choice([10**4, 10**6, TOKEN_LIMIT]))
        n["output_tokens"] = total_out
        remaining = total_out
        for count, column in [("output_audio_tokens", "output_audio_per_mtok"),
                              ("output_image_tokens", "output_image_per_mtok")]:
            if remaining and rng.random() < (0.7 if priced(column) else 0.1):
                part = rng.randint(0, remaining // rng.choice([1, 2, 4]))
                n[count] = part
                remaining -= part
        if total_out and rng.random() < 0.3:
            n["reasoning_tokens"] = rng.randint(0, total_out)
        if rng.random() < (0.7 if priced("web_search_per_k") else 0.1):
            n["web_search_requests"] = rng.choice([1, 2, 5, rng.randint(0, 100), rng.randint(0, 1_000_000)])
        return n

    # ---- one case
    def cases(self):
        out = []
        for key, entry in self.cat.keys.items():
            tiers = list(entry["rows"])
            for tier in tiers:
                out.append((key, tier))
            missing = [t for t in TIERS if t not in tiers]
            if missing and self.rng.random() < 0.15:
                out.append((key, self.rng.choice(missing)))
        return out

    def usages(self, count):
        cases = self.cases()
        self.rng.shuffle(cases)
        ids = {}
        produced = 0
        index = 0
        misses = 0
        while produced < count and cases:
            key, tier = cases[index % len(cases)]
            index += 1
            if key not in ids:
                ids[key] = self.ids_for(key)
            if not ids[key]:
                misses += 1
                if misses > len(cases):
                    break
                continue
            entry = self.cat.keys[key]
            change_days = sorted({r["effective_from"] for rows in entry["rows"].values() for r in rows})
            stamp = self.timestamp(change_days)
            day = datetime.fromisoformat(stamp).astimezone(UTC).date().isoformat()
            std = in_force(entry["rows"]["standard"], day)
            if std is None:
                continue
            trow = in_force(entry["rows"].get(tier), day) if tier != "standard" else None
            usage = {"provider": key[0], "model": self.mixed_case(self.rng.choice(ids[key])),
                     "timestamp": stamp, "tier": tier}
            usage.update(self.counts(std, trow))
            produced += 1
            yield usage


def load_operator(path):
    exact, patterns = set(), []
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            for name in [row["model"]] + [a for a in (row.get("aliases") or "").split(";") if a]:
                if name == "*":
                    continue
                if is_pattern(name):
                    patterns.append((row["provider"], matcher(name.lower() if not name.startswith("re:") else name)))
                else:
                    exact.add((row["provider"], name.lower()))
    return exact, patterns


# ---------------------------------------------------------------- self-check


def self_check(catalogue, usages):
    agree = exact = disagree = errors = 0
    keys, tiers, long_hits, samples = set(), {}, 0, 0
    problems = []
    for usage in usages:
        samples += 1
        try:
            ours, key = reference_total(catalogue, usage)
        except Exception as error:  # noqa: BLE001
            errors += 1
            problems.append(f"reference: {error}: {json.dumps(usage)}")
            continue
        try:
            theirs = genai_total(usage)
        except Exception as error:  # noqa: BLE001
            errors += 1
            problems.append(f"genai-prices: {type(error).__name__}: {error}: {json.dumps(usage)}")
            continue
        keys.add(key)
        tiers[usage["tier"]] = tiers.get(usage["tier"], 0) + 1
        std_threshold = [r["long_context_threshold"] for r in catalogue.keys[key]["rows"]["standard"]]
        if any(std_threshold) and usage["input_tokens"] > min(int(t) for t in std_threshold if t):
            long_hits += 1
        if to_nanos(ours) == to_nanos(theirs):
            agree += 1
            exact += ours == theirs
        else:
            disagree += 1
            problems.append(f"differ: ours {fmt(ours)} genai-prices {fmt(theirs)}: {json.dumps(usage)}")
    print(f"self-check: {samples} usages over {len(keys)} catalogue keys "
          f"(tiers: {', '.join(f'{t} {tiers[t]}' for t in TIERS if t in tiers)}; {long_hits} above a threshold)")
    print(f"self-check: {agree} agree to the nano ({exact} exactly), {disagree} differ, {errors} errors")
    for line in problems[:20]:
        print("  " + line)
    return 0 if disagree == 0 and errors == 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, metavar="N", help="print N sample usages (or, with --self-check, check N)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed for --sample (default 1)")
    parser.add_argument("--catalogue", default=str(DEFAULT_CATALOGUE), help="the catalogue CSV (default %(default)s)")
    parser.add_argument("--until", default="2027-03-31", help="latest sample date, YYYY-MM-DD (default %(default)s)")
    parser.add_argument("--operator", help="leave out of the sample the model ids this operator price file claims")
    parser.add_argument("--self-check", action="store_true", help="compare calc_price with section 11.3 over the catalogue")
    args = parser.parse_args()

    if args.sample is None and not args.self_check:
        run_oracle(sys.stdin, sys.stdout)
        return 0
    catalogue = Catalogue(args.catalogue)
    operator = load_operator(args.operator) if args.operator else None
    sampler = Sampler(catalogue, random.Random(args.seed), date.fromisoformat(args.until), operator)
    usages = sampler.usages(args.sample if args.sample is not None else 2000)
    if args.self_check:
        return self_check(catalogue, usages)
    for usage in usages:
        sys.stdout.write(json.dumps(usage) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
