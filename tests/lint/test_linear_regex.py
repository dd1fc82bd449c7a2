"""Linear-time regex search: the same answers as ``re.search``, without its backtracking."""

from __future__ import annotations

import random
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultgraph.lint.linear_regex import (
    WORK_BUDGET,
    BudgetExceeded,
    UnsupportedPattern,
    compile_linear,
)

# Atoms of every kind the automaton handles, letters whose case re folds in odd ways (the long
# s, the Kelvin sign, dotted and dotless i, micro and mu) among them.
_ATOMS = st.sampled_from(
    [
        "a", "b", "A", "/", r"\.", ".", "[ab]", "[^a]", "[a-c]", "[A-Z]", "[h-j]", "[é-ê]",
        r"\d", r"\w", r"\W", r"\s", r"\b", r"\B", "^", "$", r"\A", r"\Z", "s", "k", "i", "µ",
        "é", "1",
    ]
)  # fmt: skip
_TEXT = st.text(alphabet="aAbB/1_\n .ſKkéÉ٣İıiIµμΜ", max_size=8)  # noqa: RUF001


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pairs = st.tuples(children, children)
    return st.one_of(
        pairs.map("".join),
        pairs.map("|".join),
        children.map(lambda c: f"({c})"),
        children.map(lambda c: f"(?:{c})*"),
        children.map(lambda c: f"(?:{c})+?"),
        children.map(lambda c: f"(?:{c})?"),
        children.map(lambda c: f"(?:{c}){{1,3}}"),
        children.map(lambda c: f"(?:{c}){{2}}"),
        children.map(lambda c: f"(?i:{c})"),
        children.map(lambda c: f"(?s:{c})"),
        children.map(lambda c: f"(?m:{c})"),
    )


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.recursive(_ATOMS, _extend, max_leaves=8),
    st.lists(_TEXT, max_size=5),
    st.sampled_from([0, re.IGNORECASE, re.IGNORECASE | re.ASCII, re.DOTALL, re.MULTILINE]),
)
def test_same_answer_as_re_search(pattern: str, texts: list[str], flags: int) -> None:
    try:
        expected = re.compile(pattern, flags)
    except re.error:
        return
    compiled = compile_linear(pattern, flags)
    for text in texts:
        assert compiled.search(text) is (expected.search(text) is not None), (pattern, text)


def _seconds(pattern: str, text: str) -> float:
    """The best of five timings: a busy machine only ever adds time, so the least is the cost."""
    compiled = compile_linear(pattern, re.IGNORECASE)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(20):
            assert not compiled.search(text)
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_nested_quantifiers_cost_time_linear_in_the_name() -> None:
    # re takes twice as long for each further "a": 0.3 s at 22, about a day at 40.
    # Eight times as long a name: linear time is about 8 times as long, quadratic 64 times.
    short = _seconds("(a+)+$", "a" * 500 + "!.md")
    long = _seconds("(a+)+$", "a" * 4000 + "!.md")
    assert long < 5  # generous; the measure is the ratio
    assert long < short * 24, f"{short:.4f} s for 500 letters, {long:.4f} s for 4,000"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "a backreference"),
        (r"a(?=b)", "a lookahead or lookbehind"),
        (r"(?<!x)a", "a negative lookahead or lookbehind"),
        (r"(?>a+)b", "an atomic group"),
        (r"a++b", "a possessive quantifier"),
        (r"(a)?(?(1)b|c)", "a conditional group"),
        ("a" * 1001, "longer than 1000 characters"),
        (r"(a{100}){100}", "needs over 5000 automaton nodes"),
        ("(unclosed", "missing ), unterminated subpattern at position 0"),
    ],
)
def test_what_needs_backtracking_is_refused_with_a_reason(pattern: str, reason: str) -> None:
    with pytest.raises(UnsupportedPattern) as caught:
        compile_linear(pattern)
    assert reason in str(caught.value)


def test_a_pattern_whose_automaton_grows_without_end_runs_out_of_its_budget() -> None:
    # Remembering which of the last 20 letters were "a" needs a million states.
    compiled = compile_linear("(a|b)*a(a|b){20}$")
    names = ["".join(random.Random(n).choices("ab", k=60)) for n in range(10_000)]
    started = time.perf_counter()
    with pytest.raises(BudgetExceeded, match="steps of work"):
        [compiled.search(name) for name in names]
    assert compiled.work > WORK_BUDGET
    assert time.perf_counter() - started < 10  # generous: about half a second


def test_an_ordinary_filter_stays_far_inside_its_budget() -> None:
    compiled = compile_linear(r"\d{4}-\d{2}-\d{2}|^templates/|\bdraft\b", re.IGNORECASE)
    names = [f"Folder {n % 50}/Sub {n % 7}/Note {n} about things.md" for n in range(10_000)]
    assert not any(compiled.search(name) for name in names)
    assert compiled.search("Templates/Daily.md")
    assert compiled.search("Journal/2024-01-31.md")
    assert compiled.work < WORK_BUDGET // 100
