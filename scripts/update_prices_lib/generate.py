"""Writes pricing/catalogue/llm.csv and SKIPPED.md from the genai-prices package data.

Run by scripts/update-prices with the Python of a virtual environment that holds exactly
genai-prices 0.2.3 (CONTRACT section 11.4):

    python generate.py --out DIR

The output depends on nothing but the package's data: no clock, no environment, no hash order.
Rows follow the package's provider and model order; a model's match clauses keep its order.
"""
import argparse
import csv
import io
import random
import re
import sys
from collections import OrderedDict
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import metadata
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import regex_sample  # noqa: E402

PACKAGE = "genai-prices"
VERSION = "0.2.3"

from genai_prices import types as T  # noqa: E402
from genai_prices.data import providers as PROVIDERS  # noqa: E402

EPOCH = date(1970, 1, 1)

COLUMNS = [
    "provider", "model", "aliases", "effective_from", "service_tier",
    "input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok",
    "cache_write_1h_per_mtok", "input_audio_per_mtok", "input_image_per_mtok",
    "output_audio_per_mtok", "output_image_per_mtok", "web_search_per_k", "request_per_k",
    "long_context_threshold", "long_input_per_mtok", "long_output_per_mtok",
    "long_cache_read_per_mtok", "long_cache_write_per_mtok", "long_cache_write_1h_per_mtok",
    "batch_discount", "deprecated",
]
PRICE_COLUMNS = [c for c in COLUMNS if c.endswith("_per_mtok") or c.endswith("_per_k")]

# Package price keys that have a column with a long-context twin.
LONG_KEYS = OrderedDict([
    ("input_mtok", ("input_per_mtok", "long_input_per_mtok")),
    ("output_mtok", ("output_per_mtok", "long_output_per_mtok")),
    ("cache_read_mtok", ("cache_read_per_mtok", "long_cache_read_per_mtok")),
    ("cache_write_mtok", ("cache_write_per_mtok", "long_cache_write_per_mtok")),
    ("cache_write_1h_mtok", ("cache_write_1h_per_mtok", "long_cache_write_1h_per_mtok")),
])
# Package price keys with a column and no long-context twin.
FLAT_KEYS = OrderedDict([
    ("input_audio_mtok", "input_audio_per_mtok"),
    ("input_image_mtok", "input_image_per_mtok"),
    ("output_audio_mtok", "output_audio_per_mtok"),
    ("output_image_mtok", "output_image_per_mtok"),
    ("web_searches_kcount", "web_search_per_k"),
    ("requests_kcount", "request_per_k"),
])
# Prices of a part of a total that costledger events carry only as the total: the part is priced
# as the total is, exactly as genai-prices prices it when the usage does not report the part.
SUBSUMED_KEYS = {
    "cache_audio_read_mtok": "cached audio tokens: costledger prices them at cache_read_per_mtok",
    "cache_image_read_mtok": "cached image tokens: costledger prices them at cache_read_per_mtok",
    "input_video_mtok": "video input tokens: costledger prices them as text input",
    "output_video_mtok": "video output tokens: costledger prices them as text output",
    "output_citation_mtok": "citation tokens: costledger prices them as output",
    "storage_searches_kcount": "file/storage searches: no event field, not charged",
    "social_searches_kcount": "social searches: no event field, not charged",
    "code_executions_kcount": "code executions: no event field, not charged",
}
REASONING_KEY = "output_reasoning_mtok"

# A model's request-specific variants, as costledger tiers (11.4). `fast` is both OpenAI's
# `service_tier: fast` and Anthropic's `speed: fast`; no model has both.
TIERS = OrderedDict([
    ("batch", {"processing": "batch"}),
    ("flex", {"service_tier": "flex"}),
    ("priority", {"service_tier": "priority"}),
    ("fast", {"service_tier": "fast", "speed": "fast"}),
])
TIER_WHENS = {("processing", "batch"), ("service_tier", "flex"), ("service_tier", "priority"),
              ("service_tier", "fast"), ("speed", "fast")}

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$")  # CONTRACT section 2
ID_CHAR = re.compile(r"^[A-Za-z0-9._:/@+-]*$")
COMPACT_FROM_DASHED = re.compile(r"-(20\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?=-|:|$)")

# SKIPPED.md sections, in file order: (code, title).
SECTIONS = [
    ("tod", "Models not carried: time-of-day prices"),
    ("units", "Models not carried: priced in units a costledger event cannot carry"),
    ("tiers", "Models not carried: more than one long-context threshold"),
    ("digits", "Models not carried: a price needs more than 6 fractional digits (CONTRACT section 1)"),
    ("reasoning", "Models not carried: reasoning tokens priced apart from output"),
    ("rejected", "Models not carried: genai-prices itself cannot price them"),
    ("unreachable", "Models not carried: no id a costledger event can carry (CONTRACT section 2)"),
    ("other", "Models not carried: other prices this format cannot express"),
    ("history", "History not carried: earlier prices of a carried model"),
    ("tier", "Tier variants not carried"),
    ("variant", "Variants with no costledger tier"),
    ("price", "Prices not carried (the model is carried)"),
    ("clause", "Match clauses not carried"),
    ("lookup", "Model ids that costledger resolves differently from genai-prices"),
]


class Problem(Exception):
    def __init__(self, code, detail):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def fmt(value):
    """A Decimal as a plain decimal string: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def fractional_digits(value):
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent)


def at(day):
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# ---------------------------------------------------------------- match clauses


def escape_regex(text):
    """Escapes what Python `re` and ICU both treat as syntax, nothing else."""
    return re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", text)


def regex_case_problem(pattern):
    """Why `pattern` would match differently if the id's case were folded, or None.

    genai-prices searches its regex, case-sensitively, in the lower-cased id. An upper-case
    letter that can match only itself (a literal or a class without its lower-case twin) makes
    the pattern sensitive to how a reader folds case; costledger readers may lower-case the
    pattern or match case-insensitively, so such a pattern is not carried.
    """
    import re._constants as C
    import re._parser as P

    def walk(sub):
        for op, av in sub:
            if op is C.LITERAL and chr(av).isupper():
                return f"upper-case literal {chr(av)!r}"
            if op is C.IN:
                literals = {av2 for op2, av2 in av if op2 is C.LITERAL}
                for op2, av2 in av:
                    if op2 is C.LITERAL and chr(av2).isupper() and ord(chr(av2).lower()) not in literals:
                        return f"class holds {chr(av2)!r} without its lower case"
                    if op2 is C.RANGE and any(chr(c).isupper() for c in range(av2[0], av2[1] + 1)):
                        return "class holds an upper-case range"
            for child in _children(op, av, C):
                found = walk(child)
                if found:
                    return found
        return None

    return walk(P.parse(pattern))


def _children(op, av, C):
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return [av[2]]
    if op is C.SUBPATTERN:
        return [av[3]]
    if op is C.BRANCH:
        return list(av[1])
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    if op is C.ATOMIC_GROUP:
        return [av]
    if op is C.GROUPREF_EXISTS:
        return [x for x in av[1:] if x is not None]
    return []


def clause_regex(clause):
    """A regex that `re.search` matches on a lower-cased id exactly when `clause` does."""
    if isinstance(clause, T.ClauseEquals):
        return "^" + escape_regex(clause.equals.lower()) + "$"
    if isinstance(clause, T.ClauseStartsWith):
        return "^" + escape_regex(clause.starts_with.lower())
    if isinstance(clause, T.ClauseEndsWith):
        return escape_regex(clause.ends_with.lower()) + "$"
    if isinstance(clause, T.ClauseContains):
        return escape_regex(clause.contains.lower())
    if isinstance(clause, T.ClauseRegex):
        return clause.regex
    if isinstance(clause, T.ClauseOr):
        return "|".join("(?:" + clause_regex(c) + ")" for c in clause.or_)
    if isinstance(clause, T.ClauseAnd):
        return "^" + "".join(_lookahead(c) for c in clause.and_)
    raise Problem("clause", f"unknown clause {clause!r}")


def _lookahead(clause):
    """A zero-width assertion, at the start of the id, that `clause` matches."""
    import re._constants as C
    import re._parser as P

    if isinstance(clause, T.ClauseStartsWith):
        return "(?=" + escape_regex(clause.starts_with.lower()) + ")"
    pattern = clause_regex(clause)
    parsed = list(P.parse(pattern))
    if pattern.startswith("^") and parsed and parsed[0] == (C.AT, C.AT_BEGINNING) \
            and not any(op is C.BRANCH for op, _ in parsed):
        rest = pattern[1:]
        if len(parsed) == 2 and parsed[1][0] in (C.ASSERT, C.ASSERT_NOT) and rest.startswith("(?") \
                and _one_group(rest):
            return rest  # `^(?!x)` is already an assertion at the start
        return "(?=" + rest + ")"
    return "(?=.*?(?:" + pattern + "))"


def _one_group(text):
    """Whether `text` is a single parenthesised group from its first to its last character."""
    depth = 0
    escaped = False
    in_class = False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return depth == 0 and text.endswith(")")


def clause_items(clause):
    """The clause as a list of (kind, text) in the package's order; kind is exact|pattern|skip."""
    if isinstance(clause, T.ClauseOr):
        items = []
        for sub in clause.or_:
            items.extend(clause_items(sub))
        return items
    if isinstance(clause, T.ClauseEquals):
        text = clause.equals.lower()
        if not IDENTIFIER.match(text) or len(text) > 128:
            return [("skip", f"equals {clause.equals!r}: not a costledger model id")]
        if text.startswith("re:"):
            return [("skip", f"equals {clause.equals!r}: would read as a re: pattern")]
        return [("exact", text)]
    if isinstance(clause, (T.ClauseStartsWith, T.ClauseEndsWith, T.ClauseContains)):
        literal = next(iter(clause.__dict__.values())).lower()
        name = type(clause).__name__.removeprefix("Clause").lower()
        if not ID_CHAR.match(literal):
            return [("skip", f"{name} {literal!r}: holds a character no costledger model id has")]
        if isinstance(clause, T.ClauseStartsWith):
            if literal and not IDENTIFIER.match(literal):
                return [("skip", f"{name} {literal!r}: no costledger model id starts so")]
            return [("pattern", literal + "*")]
        if isinstance(clause, T.ClauseEndsWith):
            return [("pattern", "*" + literal)]
        return [("pattern", "*" + literal + "*")]
    if isinstance(clause, (T.ClauseRegex, T.ClauseAnd)):
        pattern = clause_regex(clause)
        label = "regex" if isinstance(clause, T.ClauseRegex) else "and"
        case = regex_case_problem(pattern)
        if case:
            return [("skip", f"{label} {pattern!r}: case-sensitive ({case})")]
        if ";" in pattern:
            return [("skip", f"{label} {pattern!r}: holds ';', the aliases separator")]
        rng = random.Random(pattern)
        found = [s for s in regex_sample.samples(pattern, rng, tries=60, want=3) if IDENTIFIER.match(s)]
        if not found:
            return [("skip", f"{label} {pattern!r}: matches no costledger model id")]
        return [("pattern", "re:" + pattern)]
    return [("skip", f"clause {clause!r}: not expressible")]


def pattern_matcher(text):
    if text.startswith("re:"):
        return re.compile(text[3:]).search
    parts = [re.escape(p) for p in text.split("*")]
    return re.compile("^" + ".*".join(parts) + "$", re.DOTALL).match


def pattern_probes(text, rng):
    """A few model ids that `text` (a catalogue pattern) matches."""
    if text.startswith("re:"):
        return [s for s in regex_sample.samples(text[3:], rng, tries=40, want=3) if IDENTIFIER.match(s)]
    core = text.strip("*")
    out = []
    if text.endswith("*") and not text.startswith("*"):
        out = [core, core + "-x1", core + "-2025-01-01"]
    elif text.startswith("*") and not text.endswith("*"):
        out = ([core] if IDENTIFIER.match(core) else []) + ["p/" + core.lstrip("/"), "x" + core]
    else:
        out = ([core] if IDENTIFIER.match(core) else []) + ["x" + core + "-y", "a/" + core]
    return [s.lower() for s in out if IDENTIFIER.match(s) and pattern_matcher(text)(s.lower())]


# ---------------------------------------------------------------- prices


def decimals_of(value):
    if isinstance(value, T.TieredPrices):
        return [value.base] + [t.price for t in value.tiers]
    return [value]


def is_zero(value):
    return all(d == 0 for d in decimals_of(value))


def express(price, keys, problems, notes, resolved=None):
    """Columns for the keys `keys` of a resolved ModelPrice `price`; records what it cannot carry.

    problems: (code, detail) that make the price inexpressible; notes: (key, detail) of prices
    dropped without changing any cost costledger can compute.
    """
    fields = {}
    thresholds = set()
    tiered_here = False
    for key in keys:
        value = getattr(price, key)
        if value is None:
            continue
        if key in LONG_KEYS:
            base_col, long_col = LONG_KEYS[key]
            if isinstance(value, T.TieredPrices) and value.tiers:
                if len(value.tiers) > 1:
                    problems.append(("tiers", f"{key} has {len(value.tiers)} thresholds"))
                    continue
                fields[base_col] = value.base
                fields[long_col] = value.tiers[0].price
                thresholds.add(value.tiers[0].start)
                tiered_here = True
            else:
                fields[base_col] = value.base if isinstance(value, T.TieredPrices) else value
        elif key in FLAT_KEYS:
            if isinstance(value, T.TieredPrices) and value.tiers:
                problems.append(("tiers", f"{key} has a long-context tier, which this format has not"))
                continue
            fields[FLAT_KEYS[key]] = value.base if isinstance(value, T.TieredPrices) else value
        elif key in SUBSUMED_KEYS:
            if not is_zero(value):
                notes.append((key, f"{key} {price_text(value)} ({SUBSUMED_KEYS[key]})"))
        elif key == REASONING_KEY:
            pass  # checked on the resolved price by check_resolved
        elif is_zero(value):
            continue
        else:
            code = "units" if not key.endswith("_mtok") else "other"
            problems.append((code, f"{key} {price_text(value)}"))
    for column, value in fields.items():
        if fractional_digits(value) > 6:
            near = value.quantize(Decimal("1e-10")).normalize()
            hint = f" (a float artefact of {fmt(near)}?)" if fractional_digits(near) <= 6 else ""
            problems.append(("digits", f"{column} = {value}{hint}"))
    out = {c: fmt(v) for c, v in fields.items()}
    if tiered_here:
        if len(thresholds) == 1:
            out["long_context_threshold"] = str(next(iter(thresholds)))
    return out, thresholds


def price_text(value):
    if isinstance(value, T.TieredPrices):
        return fmt(value.base) + "".join(f" (>{t.start}: {fmt(t.price)})" for t in value.tiers)
    return fmt(value)


def price_keys(price):
    return [k for k, v in price.__dict__.items() if not k.startswith("_") and v is not None]


def all_thresholds(price):
    out = set()
    for key in price_keys(price):
        value = getattr(price, key)
        if isinstance(value, T.TieredPrices):
            out.update(t.start for t in value.tiers)
    return out


def check_resolved(price, problems):
    """Problems of a resolved price as a whole: one threshold, and genai-prices accepts it."""
    reasoning = getattr(price, REASONING_KEY)
    if reasoning is not None and reasoning != getattr(price, "output_mtok"):
        problems.append(("reasoning", f"output_reasoning_mtok {price_text(reasoning)} differs from "
                                      f"output_mtok {price_text(getattr(price, 'output_mtok'))}"))
    thresholds = all_thresholds(price)
    if len(thresholds) > 1:
        problems.append(("tiers", "thresholds " + ", ".join(str(t) for t in sorted(thresholds))))
    try:
        price.calc_price(T.Usage())
    except ValueError as error:
        problems.append(("rejected", f"genai-prices: {error}"))


def standard_row(price):
    problems, notes = [], []
    fields, _ = express(price, price_keys(price), problems, notes)
    check_resolved(price, problems)
    fields.setdefault("input_per_mtok", "0")
    fields.setdefault("output_per_mtok", "0")
    return fields, problems, notes


def conditional_prices(model):
    if isinstance(model.prices, T.ModelPrice):
        return [T.ConditionalPrice(prices=model.prices)]
    return list(model.prices)


def overrides_at(model, when_ctx, moment):
    """The price keys the variants matching `when_ctx` override at `moment` (genai-prices' rule)."""
    out = {}
    for variant in model.price_variants or ():
        if variant.constraint is not None and not variant.constraint.active(moment):
            continue
        if not all(when_ctx.get(k) == v for k, v in variant.when.items()):
            continue
        for key, price in variant.prices.__dict__.items():
            if price is not None and not key.startswith("_"):
                out.setdefault(key, price)
    return out


# ---------------------------------------------------------------- one model


class Skips:
    def __init__(self):
        self.lines = {code: [] for code, _ in SECTIONS}

    def add(self, code, provider, model_id, detail):
        self.lines[code].append(f"- {provider} `{model_id}`: {detail}")


def model_periods(model):
    """[(start date, fields, problems, notes)] for the standard price, merged where equal."""
    starts = sorted({c.constraint.start_date for c in conditional_prices(model)
                     if isinstance(c.constraint, T.StartDateConstraint)} - {EPOCH})
    periods = []
    for day in [EPOCH] + [d for d in starts if d > EPOCH]:
        fields, problems, notes = standard_row(model.get_prices(at(day)))
        if periods and not problems and not periods[-1][2] and periods[-1][1] == fields:
            periods[-1][3].extend(n for n in notes if n not in periods[-1][3])
            continue
        periods.append((day, fields, problems, notes))
    return periods


def tier_periods(model, tier, start, std_starts):
    """([(start date, fields)], notes) of one tier from `start` on, or raises Problem."""
    ctx = TIERS[tier]
    variant_starts = set()
    for variant in model.price_variants or ():
        if not all(ctx.get(k) == v for k, v in variant.when.items()):
            continue
        if isinstance(variant.constraint, T.TimeOfDateConstraint):
            raise Problem("tod", "a time-of-day variant")
        if isinstance(variant.constraint, T.StartDateConstraint):
            variant_starts.add(variant.constraint.start_date)
    days = sorted({start} | {d for d in variant_starts | set(std_starts) if d > start})
    rows = []
    notes = []
    previous = None
    for day in days:
        moment = at(day)
        overrides = overrides_at(model, ctx, moment)
        problems = []
        fields, _ = express(T.ModelPrice(**overrides), list(overrides), problems, notes)
        resolved = model.get_prices(moment, ctx)
        check_resolved(resolved, problems)
        if problems:
            raise Problem(problems[0][0], "; ".join(d for _, d in problems) + f" (from {day})")
        carried = {c: v for c, v in fields.items() if c in PRICE_COLUMNS}
        if not carried:
            if previous:
                raise Problem("other", f"the variant's carried prices end on {day}")
            continue
        if fields != previous:
            rows.append((day, fields))
            previous = fields
    return rows, notes


# ---------------------------------------------------------------- the catalogue


def build():
    skips = Skips()
    by_id = {p.id: p for p in PROVIDERS}
    # Per package model (by identity): the decision, computed once.
    decided = {}
    counts = {"models": 0, "carried": 0, "skipped": 0, "copies": 0, "shadowed_copies": 0}

    def decide(provider, model):
        key = id(model)
        if key in decided:
            return decided[key]
        result = {"periods": [], "tiers": OrderedDict(), "skip": None}
        decided[key] = result
        if any(isinstance(c.constraint, T.TimeOfDateConstraint) for c in conditional_prices(model)):
            result["skip"] = ("tod", "prices change with the time of day")
            return result
        periods = model_periods(model)
        bad = [i for i, p in enumerate(periods) if p[2]]
        if bad and bad[-1] == len(periods) - 1:
            code, _ = periods[-1][2][0]
            result["skip"] = (code, "; ".join(d for _, d in periods[-1][2]))
            return result
        if bad:
            last = bad[-1]
            result["history"] = (periods[last + 1][0], sorted({c for c, _ in periods[last][2]}),
                                 "; ".join(d for i in bad for _, d in periods[i][2]))
            periods = periods[last + 1:]
        result["periods"] = periods
        result["notes"] = []
        for p in periods:
            result["notes"].extend(n for n in p[3] if n not in result["notes"])
        std_starts = [p[0] for p in periods]
        for tier in TIERS:
            try:
                rows, notes = tier_periods(model, tier, periods[0][0], std_starts)
            except Problem as problem:
                result["tiers"][tier] = problem
                continue
            if rows:
                result["tiers"][tier] = rows
                for key, detail in notes:
                    note = (key, f"{tier} tier: {detail}")
                    if note not in result["notes"]:
                        result["notes"].append(note)
        return result

    out_rows = []
    for provider in PROVIDERS:
        chain = [(m, provider) for m in provider.models]
        for fallback_id in provider.fallback_model_providers or ():
            fallback = by_id.get(fallback_id)
            if fallback:
                chain.extend((m, fallback) for m in fallback.models)
        claimed_exact = {}
        claimed_patterns = {}
        entries = []  # (model, owner, items, decision)
        for index, (model, owner) in enumerate(chain):
            own = owner is provider
            if own:
                counts["models"] += 1
            decision = decide(owner, model)
            items = []
            clause_skips = []
            for kind, text in clause_items(model.match):
                if kind == "skip":
                    clause_skips.append(text)
                    continue
                if kind == "exact":
                    earlier = next((m for m, _ in chain[:index] if m.is_match(text)), None)
                    if earlier is not None:
                        if own:
                            clause_skips.append(f"equals {text!r}: genai-prices resolves it to "
                                                f"the earlier model `{earlier.id}`")
                        continue
                    if text in claimed_exact or any(t == text for _, t in items):
                        continue
                else:
                    if text in claimed_patterns or any(t == text for _, t in items):
                        if own and text in claimed_patterns:
                            clause_skips.append(f"{text!r}: an earlier model has the same pattern")
                        continue
                items.append((kind, text))
            for kind, text in items:
                (claimed_exact if kind == "exact" else claimed_patterns).setdefault(text, model)
            if decision["skip"]:
                if own:
                    counts["skipped"] += 1
                    code, detail = decision["skip"]
                    skips.add(code, provider.id, model.id, detail)
                entries.append((model, owner, [], decision))
                continue
            if not items:
                if own:
                    counts["skipped"] += 1
                    skips.add("unreachable", provider.id, model.id, "; ".join(clause_skips) or "no clause")
                entries.append((model, owner, [], decision))
                continue
            if own:
                counts["carried"] += 1
                for text in clause_skips:
                    skips.add("clause", provider.id, model.id, text)
                if "history" in decision:
                    since, _, detail = decision["history"]
                    skips.add("history", provider.id, model.id,
                              f"carried from {since}; before it: {detail} (events before {since} are estimated)")
                for tier, rows in decision["tiers"].items():
                    if isinstance(rows, Problem):
                        skips.add("tier", provider.id, model.id, f"{tier}: {rows.detail}")
                for variant in model.price_variants or ():
                    pairs = set(variant.when.items())
                    if not pairs <= TIER_WHENS or len(pairs) != 1:
                        if price_keys(variant.prices):
                            when = ", ".join(f"{k}: {v}" for k, v in variant.when.items())
                            skips.add("variant", provider.id, model.id,
                                      f"`{when}` ({variant.prices}"
                                      + (f", from {variant.constraint.start_date}" if variant.constraint else "")
                                      + ")")
                for _, detail in decision["notes"]:
                    skips.add("price", provider.id, model.id, detail)
            else:
                counts["copies"] += 1
            entries.append((model, owner, items, decision))

        # genai-prices' compact-date retry (`-YYYYMMDD` read as `-YYYY-MM-DD`) for exact ids.
        carried_models = {id(m) for m, _, items, d in entries if items and not d["skip"]}
        for model, owner, items, decision in entries:
            if not items:
                continue
            for kind, text in list(items):
                if kind != "exact" or not COMPACT_FROM_DASHED.search(text):
                    continue
                compact = COMPACT_FROM_DASHED.sub(lambda m: f"-{m.group(1)}{m.group(2)}{m.group(3)}", text)
                if compact in claimed_exact or not IDENTIFIER.match(compact):
                    continue
                if provider._match_model(compact, all_providers=PROVIDERS) is not None:
                    continue
                target = provider.find_model(compact, all_providers=PROVIDERS)
                if target is None or id(target) not in carried_models:
                    continue
                for model2, _, items2, _ in entries:
                    if model2 is target and items2:
                        items2.append(("exact", compact))
                        claimed_exact[compact] = target
                        break

        # Another provider's model that genai-prices never reaches here (this provider's own
        # models, or an earlier fallback, claim every id it matches) is left out.
        rng = random.Random(provider.id + "/copies")
        for model, owner, items, decision in entries:
            if owner is provider or not items or decision["skip"]:
                continue
            probes = []
            for kind, text in items:
                probes.extend([text] if kind == "exact" else pattern_probes(text, rng))
            if not any(provider.find_model(p, all_providers=PROVIDERS) is model for p in probes):
                items.clear()
                counts["copies"] -= 1
                counts["shadowed_copies"] = counts.get("shadowed_copies", 0) + 1

        provider_rows = []
        for model, owner, items, decision in entries:
            if not items or decision["skip"]:
                continue
            own = owner is provider
            names = [t for _, t in items]
            main = next((t for k, t in items if k == "exact" and t == model.id.lower()), names[0])
            aliases = [t for t in names if t != main]
            base = {"provider": provider.id, "model": main, "aliases": ";".join(aliases),
                    "deprecated": "true" if model.deprecated else ""}
            for day, fields, _, _ in decision["periods"]:
                provider_rows.append({**base, "effective_from": day.isoformat(), **fields})
            if own:
                for tier, rows in decision["tiers"].items():
                    if isinstance(rows, Problem):
                        continue
                    for day, fields in rows:
                        provider_rows.append({**base, "effective_from": day.isoformat(),
                                              "service_tier": tier, **fields})
        out_rows.extend(provider_rows)
        verify_lookup(provider, entries, provider_rows, skips)
    return out_rows, skips, counts


def verify_lookup(provider, entries, rows, skips):
    """Compares the catalogue's lookup (11.2) with genai-prices' for probe ids of this provider."""
    exact = {}
    patterns = []
    for row in rows:
        key = row["model"]
        for name in [row["model"]] + [a for a in row["aliases"].split(";") if a]:
            if "*" in name or name.startswith("re:"):
                if all(p[0] != name for p in patterns):
                    patterns.append((name, pattern_matcher(name), key))
            else:
                exact.setdefault(name, key)
    key_of = {}
    for model, _, items, decision in entries:
        if items and not decision["skip"]:
            names = [t for _, t in items]
            key_of[id(model)] = next((t for k, t in items if k == "exact" and t == model.id.lower()), names[0])
    rng = random.Random(provider.id)
    probes = []
    for model, _, _, _ in entries:
        for kind, text in clause_items(model.match):
            if kind == "exact":
                probes.append(text)
                compact = COMPACT_FROM_DASHED.sub(lambda m: f"-{m.group(1)}{m.group(2)}{m.group(3)}", text)
                probes.append(compact)
            elif kind == "pattern":
                probes.extend(pattern_probes(text, rng))
    seen = set()
    for probe in probes:
        if probe in seen or not IDENTIFIER.match(probe):
            continue
        seen.add(probe)
        ours = exact.get(probe)
        if ours is None:
            ours = next((key for _, match, key in patterns if match(probe)), None)
        theirs_model = provider.find_model(probe, all_providers=PROVIDERS)
        theirs = key_of.get(id(theirs_model)) if theirs_model is not None else None
        if ours == theirs:
            continue
        if ours is None and theirs is None:
            continue
        what = f"`{theirs_model.id}`" if theirs_model is not None else "no model"
        if theirs_model is not None and theirs is None:
            what += " (not carried)"
        row = f"row `{ours}`" if ours is not None else "no row (estimated)"
        skips.add("lookup", provider.id, probe, f"genai-prices: {what}; catalogue: {row}")


# ---------------------------------------------------------------- output


def write_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return buffer.getvalue()


def write_skipped(rows, skips, counts):
    keys = {(r["provider"], r["model"]) for r in rows}
    tier_rows = sum(1 for r in rows if r.get("service_tier"))
    out = [
        f"# What the price catalogue leaves out of {PACKAGE} {VERSION}",
        "",
        f"Generated by `scripts/update-prices` from the data bundled in the PyPI package {PACKAGE} "
        f"{VERSION}, together with `llm.csv` beside it; do not edit either by hand (CONTRACT section 11.4).",
        "",
        f"- Package models: {counts['models']}; carried: {counts['carried']}; not carried: {counts['skipped']}.",
        f"- `llm.csv`: {len(rows)} rows, {len(keys)} keys, {tier_rows} tier rows; "
        f"{counts['copies']} keys are another provider's models that genai-prices also prices under "
        "`azure` and `google` (their `fallback_model_providers`), without tier rows, as genai-prices "
        "ignores variants there; "
        f"{counts['shadowed_copies']} more such models are left out because genai-prices never reaches "
        "them there (a model of the provider itself claims every id they match).",
        "- Each model's first row holds from 1970-01-01: genai-prices uses a model's first price for any "
        "earlier request.",
        "- Model ids and patterns are lower case (genai-prices lower-cases the id and every clause but "
        "`regex`; its regexes are searched, case-sensitively, in the lower-cased id, and every `re:` "
        "pattern here means the same whether a reader folds case or not). `regex` clauses are copied "
        "verbatim (Python `re` syntax, which ICU reads the same for these patterns); an `and` clause "
        "becomes an equivalent `re:` pattern of lookaheads.",
        "- Row order is the package's model order, so the first matching pattern is the model "
        "genai-prices picks; an exact id that genai-prices resolves to an earlier model is left out. "
        "genai-prices retries an unknown id with a compact date `-YYYYMMDD` read as `-YYYY-MM-DD`: "
        "the catalogue carries that as an extra exact alias of every dated exact id, not for patterns.",
        "- Not reproduced: genai-prices' provider aliases (`provider_match`: `xai`, `bedrock`, `vertex`, "
        "...) and its lookup of a provider from the model id; costledger keys rows by the package's "
        "provider id.",
        "- `batch_discount` is always empty: a batch request of a model without a `batch` tier row costs "
        "the standard price, as in genai-prices. Variants `service_tier: default` hold no prices and "
        "need no row.",
        "",
    ]
    for code, title in SECTIONS:
        lines = skips.lines[code]
        if not lines:
            continue
        out.append(f"## {title} ({len(lines)})")
        out.append("")
        out.extend(lines)
        out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="directory for llm.csv and SKIPPED.md")
    args = parser.parse_args()
    installed = metadata.version(PACKAGE)
    if installed != VERSION:
        sys.exit(f"generate.py: {PACKAGE} {installed} is installed, {VERSION} is required")
    rows, skips, counts = build()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "llm.csv").write_text(write_csv(rows), encoding="utf-8", newline="")
    (out / "SKIPPED.md").write_text(write_skipped(rows, skips, counts), encoding="utf-8", newline="")
    print(f"{counts['models']} package models: {counts['carried']} carried, {counts['skipped']} not carried; "
          f"{len(rows)} rows ({counts['copies']} fallback copies) -> {out}")


if __name__ == "__main__":
    main()
