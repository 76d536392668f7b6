"""Strings that a regular expression matches, for probing model-id patterns.

`samples(pattern, rng, tries)` walks the parsed pattern (Python's own `re` parser) and builds
candidate strings from the characters a costledger model id may hold (CONTRACT section 2), then
keeps the ones `re.search` really accepts. Lookarounds are not generated, only checked. Used by
scripts/update-prices to check that the catalogue's row order reproduces genai-prices' model
lookup; Tests/Reference/genai_oracle.py carries its own copy so that it depends on nothing here.
"""
import re
import re._constants as C  # noqa: N812
import re._parser as P  # noqa: N812

POOL = "abcdefghijklmnopqrstuvwxyz0123456789-._/:@+"


def _category_ok(category, ch):
    table = {
        C.CATEGORY_DIGIT: ch.isdigit(),
        C.CATEGORY_NOT_DIGIT: not ch.isdigit(),
        C.CATEGORY_WORD: ch.isalnum() or ch == "_",
        C.CATEGORY_NOT_WORD: not (ch.isalnum() or ch == "_"),
        C.CATEGORY_SPACE: ch.isspace(),
        C.CATEGORY_NOT_SPACE: not ch.isspace(),
    }
    return table.get(category, False)


def _in_class(items, ch):
    negate = False
    hit = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            hit = hit or ord(ch) == av
        elif op is C.RANGE:
            hit = hit or av[0] <= ord(ch) <= av[1]
        elif op is C.CATEGORY:
            hit = hit or _category_ok(av, ch)
    return hit != negate


def _gen(sub, rng, groups):
    out = []
    for op, av in sub:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op is C.NOT_LITERAL:
            out.append(rng.choice([c for c in POOL if ord(c) != av]))
        elif op is C.ANY:
            out.append(rng.choice(POOL))
        elif op is C.IN:
            allowed = [c for c in POOL if _in_class(av, c)]
            if not allowed:
                allowed = [c for c in map(chr, range(32, 127)) if _in_class(av, c)]
            out.append(rng.choice(allowed) if allowed else "")
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, hi, item = av
            hi = lo + 3 if hi is C.MAXREPEAT else hi
            n = rng.randint(lo, min(hi, lo + 3))
            out.extend(_gen(item, rng, groups) for _ in range(n))
        elif op is C.SUBPATTERN:
            group, _, _, item = av
            text = _gen(item, rng, groups)
            if group is not None:
                groups[group] = text
            out.append(text)
        elif op is C.ATOMIC_GROUP:
            out.append(_gen(av, rng, groups))
        elif op is C.BRANCH:
            out.append(_gen(rng.choice(av[1]), rng, groups))
        elif op is C.GROUPREF:
            out.append(groups.get(av, ""))
        elif op is C.GROUPREF_EXISTS:
            group, yes, no = av
            out.append(_gen(yes if group in groups else (no or []), rng, groups))
        elif op is C.ASSERT and av[0] == 1:
            # A lookahead: its text usually starts what follows (`^(?=prefix)`); re.search checks.
            out.append(_gen(av[1], rng, groups))
        # AT (anchors), lookbehinds, ASSERT_NOT: nothing to generate; re.search checks them.
    return "".join(out)


def samples(pattern, rng, tries=40, want=3):
    """Up to `want` distinct strings that `re.search(pattern, s)` accepts, in the order found."""
    parsed = P.parse(pattern)
    compiled = re.compile(pattern)
    found = []
    for _ in range(tries):
        text = _gen(parsed, rng, {})
        if compiled.search(text) and text not in found:
            found.append(text)
            if len(found) >= want:
                break
    return found
