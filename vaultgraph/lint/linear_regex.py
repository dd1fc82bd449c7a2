"""Search a path with a regular expression a vault supplies, in time linear in the path.

Python's ``re`` backtracks: ``(a+)+$`` takes twice as long for each ``a`` of a name that does
not match, so a pattern from ``.obsidian/app.json`` could stall a run for hours. Here the
pattern is read by ``re``'s own parser (the syntax is exactly Python's) and searched as an
automaton: the set of pattern positions alive after each character, cached as the states of a
DFA built on demand. Nothing backtracks. What no automaton can do (backreferences, lookaround,
atomic groups, possessive quantifiers) is refused at compile time; what costs too much to build
(a DFA with too many states) runs out of a fixed budget of work and raises
:class:`BudgetExceeded`, so no pattern costs more than that budget over a whole run.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = [
    "MAX_NODES",
    "MAX_PATTERN",
    "WORK_BUDGET",
    "BudgetExceeded",
    "LinearPattern",
    "UnsupportedPattern",
    "compile_linear",
]

# re's parser is private, but it is the only parser of exactly re's syntax; everything read
# from it is checked, so a change in a later Python makes patterns unsupported, never wrong.
_parser: Any = importlib.import_module("re._parser")

MAX_PATTERN = 1000  # characters of a pattern
MAX_NODES = 5000  # automaton nodes, after counted repeats ({2,50}) are spelled out
# Work (automaton nodes visited while building DFA states) one pattern may spend in a run: a
# pattern of Obsidian's kind needs a few thousand; this is about half a second of it.
WORK_BUDGET = 2_000_000


class UnsupportedPattern(ValueError):
    """The pattern is not a regular expression ``re`` compiles, or needs a backtracking feature."""


class BudgetExceeded(RuntimeError):
    """Searching with the pattern has cost more than its work budget."""


# Node kinds of the automaton.
_CHAR, _SPLIT, _ASSERT, _MATCH = range(4)

# Facts about the place between two characters that assertions (^, $, \b, \B) look at.
_START, _END, _BEFORE_LAST_NL, _PREV_NL, _NEXT_NL = (1 << n for n in range(5))
_PREV_WORD, _NEXT_WORD, _PREV_ASCII_WORD, _NEXT_ASCII_WORD, _EMPTY = (1 << n for n in range(5, 10))
_PLACE_BITS = 10
_PLACE_MASK = (1 << _PLACE_BITS) - 1

_Predicate = Callable[[str], bool]
_Condition = Callable[[int], bool]


def compile_linear(pattern: str, flags: int = 0) -> LinearPattern:
    """A pattern to search with, or :class:`UnsupportedPattern` saying why there is none."""
    if len(pattern) > MAX_PATTERN:
        raise UnsupportedPattern(f"longer than {MAX_PATTERN} characters")
    try:
        re.compile(pattern, flags)  # the error message for a bad pattern is re's own
        tree = _parser.parse(pattern, flags)
    except re.error as error:
        raise UnsupportedPattern(str(error)) from None
    except RecursionError:
        raise UnsupportedPattern("nested too deeply") from None
    builder = _Builder()
    try:
        start = builder.sequence(list(tree), int(tree.state.flags), builder.node(_MATCH, None))
    except RecursionError:
        raise UnsupportedPattern("nested too deeply") from None
    return LinearPattern(pattern, builder.nodes(start))


@dataclass(frozen=True, slots=True)
class _Nodes:
    kinds: tuple[int, ...]
    args: tuple[Any, ...]  # a predicate, an assertion's condition, or None
    outs: tuple[tuple[int, ...], ...]
    start: int
    needs: int  # the facts about places that the assertions look at (0: no assertions)


class LinearPattern:
    """A compiled pattern; :meth:`search` is ``re.search(...) is not None`` without backtracking."""

    def __init__(self, pattern: str, nodes: _Nodes) -> None:
        self.pattern = pattern
        self._nodes = nodes
        self._predicates: list[_Predicate] = []
        self._char_nodes: list[list[int]] = []  # per predicate, the nodes that test it
        seen: dict[int, int] = {}
        for index, kind in enumerate(nodes.kinds):
            if kind == _CHAR:
                key = id(nodes.args[index])
                if key not in seen:
                    seen[key] = len(self._predicates)
                    self._predicates.append(nodes.args[index])
                    self._char_nodes.append([])
                self._char_nodes[seen[key]].append(index)
        self._classes: dict[str, int] = {}  # character -> its class
        self._class_nodes: list[frozenset[int]] = []  # per class, the char nodes it passes
        self._signatures: dict[tuple[frozenset[int], int, int], int] = {}
        # Per class, what a character of it tells the assertions as the one before a place,
        # and as the one after it.
        self._after: list[int] = []
        self._before: list[int] = []
        self._state_ids: dict[frozenset[int], int] = {}
        self._states: list[frozenset[int]] = []
        self._accepting: list[bool] = []
        self._moves: list[dict[int, int]] = []
        self._initial: dict[int, int] = {}
        self.work = 0

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text``; raises :class:`BudgetExceeded`."""
        known = self._classes
        classes = [known[char] if char in known else self._classify(char) for char in text]
        needs = self._nodes.needs
        size = len(text)
        last_newline = size - 1 if text.endswith("\n") else -1
        first = _START | (_END | _EMPTY if size == 0 else self._before[classes[0]])
        if last_newline == 0:
            first |= _BEFORE_LAST_NL
        first &= needs
        state = self._initial.get(first)
        if state is None:
            state = self._initial[first] = self._state({self._nodes.start}, first)
        accepting, moves, after, before = self._accepting, self._moves, self._after, self._before
        for index, cls in enumerate(classes):
            if accepting[state]:
                return True
            key = cls
            if needs:  # the place after this character, for the assertions that look at it
                at = index + 1
                place = after[cls] | (before[classes[at]] if at < size else _END)
                if at == last_newline:
                    place |= _BEFORE_LAST_NL
                key = cls << _PLACE_BITS | place & needs
            following = moves[state].get(key)
            if following is None:
                following = moves[state][key] = self._move(state, cls, key & _PLACE_MASK)
            state = following
        return accepting[state]

    def _classify(self, char: str) -> int:
        self._spend(len(self._predicates))
        passed = frozenset(
            node
            for predicate, nodes in zip(self._predicates, self._char_nodes, strict=True)
            if predicate(char)
            for node in nodes
        )
        needs = self._nodes.needs
        after = _char_place(char, previous=True) & needs
        before = _char_place(char, previous=False) & needs
        signature = (passed, after, before)
        cls = self._signatures.get(signature)
        if cls is None:
            cls = self._signatures[signature] = len(self._class_nodes)
            self._class_nodes.append(passed)
            self._after.append(after)
            self._before.append(before)
        self._classes[char] = cls
        return cls

    def _move(self, state: int, cls: int, place: int) -> int:
        passed = self._class_nodes[cls]
        outs = self._nodes.outs
        core = {outs[node][0] for node in self._states[state] if node in passed}
        core.add(self._nodes.start)  # a search may start at every character
        return self._state(core, place)

    def _state(self, core: set[int], place: int) -> int:
        """The DFA state of the nodes alive after closing ``core`` over empty moves."""
        kinds, args, outs = self._nodes.kinds, self._nodes.args, self._nodes.outs
        alive: set[int] = set()
        stack = list(core)
        while stack:
            node = stack.pop()
            if node in alive:
                continue
            alive.add(node)
            kind = kinds[node]
            if kind == _SPLIT or (kind == _ASSERT and args[node](place)):
                stack.extend(outs[node])
        self._spend(len(alive) + len(core))
        # Only the nodes that consume a character or accept decide what happens next.
        key = frozenset(n for n in alive if kinds[n] in (_CHAR, _MATCH))
        found = self._state_ids.get(key)
        if found is None:
            found = self._state_ids[key] = len(self._states)
            self._states.append(key)
            self._accepting.append(any(kinds[n] == _MATCH for n in key))
            self._moves.append({})
        return found

    def _spend(self, work: int) -> None:
        self.work += work
        if self.work > WORK_BUDGET:
            raise BudgetExceeded(f"over {WORK_BUDGET:,} steps of work")


def _char_place(char: str, *, previous: bool) -> int:
    """What ``char`` tells the assertions about the place after it (``previous``) or before it."""
    newline, word, ascii_word = (
        (_PREV_NL, _PREV_WORD, _PREV_ASCII_WORD)
        if previous
        else (_NEXT_NL, _NEXT_WORD, _NEXT_ASCII_WORD)
    )
    place = newline if char == "\n" else 0
    if _is_word(char):
        place |= word | (ascii_word if char.isascii() else 0)
    return place


def _is_word(char: str) -> bool:
    return char == "_" or char.isalnum()


def _is_ascii_word(char: str) -> bool:
    return char.isascii() and _is_word(char)


class _Builder:
    """Thompson's construction, right to left: each piece is built in front of what follows."""

    def __init__(self) -> None:
        self.kinds: list[int] = []
        self.args: list[Any] = []
        self.outs: list[list[int]] = []
        self.predicates: dict[tuple[str, str, int], _Predicate] = {}
        self.needs = 0  # the facts about places that the assertions look at

    def node(self, kind: int, arg: Any, *outs: int) -> int:
        if len(self.kinds) >= MAX_NODES:
            raise UnsupportedPattern(f"needs over {MAX_NODES} automaton nodes")
        self.kinds.append(kind)
        self.args.append(arg)
        self.outs.append(list(outs))
        return len(self.kinds) - 1

    def nodes(self, start: int) -> _Nodes:
        return _Nodes(
            tuple(self.kinds),
            tuple(self.args),
            tuple(tuple(out) for out in self.outs),
            start,
            self.needs,
        )

    def sequence(self, items: Sequence[tuple[Any, Any]], flags: int, following: int) -> int:
        for op, value in reversed(items):
            following = self.item(str(op), value, flags, following)
        return following

    def item(self, op: str, value: Any, flags: int, following: int) -> int:
        if op in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            # One predicate per distinct test: a{50} is fifty nodes but one question per letter.
            key = (op, repr(value), flags)
            if key not in self.predicates:
                self.predicates[key] = _predicate(op, value, flags)
            return self.node(_CHAR, self.predicates[key], following)
        if op == "AT":
            condition, needs = _assertion(str(value), flags)
            self.needs |= needs
            return self.node(_ASSERT, condition, following)
        if op == "BRANCH":
            _, alternatives = value
            starts = [self.sequence(list(alt), flags, following) for alt in alternatives]
            return self.node(_SPLIT, None, *starts)
        if op == "SUBPATTERN":
            _, add, remove, body = value
            return self.sequence(list(body), (flags | int(add)) & ~int(remove), following)
        if op in ("MAX_REPEAT", "MIN_REPEAT"):  # lazy or greedy: the same for a yes/no search
            low, high, body = value
            return self.repeat(int(low), int(high), list(body), flags, following)
        raise UnsupportedPattern(f"uses {_FEATURES.get(op, op)}, which needs backtracking")

    def repeat(
        self, low: int, high: int, body: list[tuple[Any, Any]], flags: int, following: int
    ) -> int:
        if high >= int(_parser.MAXREPEAT):
            loop = self.node(_SPLIT, None)
            self.outs[loop] = [self.sequence(body, flags, loop), following]
            following = loop
        else:
            for _ in range(high - low):
                following = self.node(
                    _SPLIT, None, self.sequence(body, flags, following), following
                )
        for _ in range(low):
            following = self.sequence(body, flags, following)
        return following


_FEATURES = {
    "GROUPREF": "a backreference",
    "GROUPREF_EXISTS": "a conditional group",
    "ASSERT": "a lookahead or lookbehind",
    "ASSERT_NOT": "a negative lookahead or lookbehind",
    "ATOMIC_GROUP": "an atomic group",
    "POSSESSIVE_REPEAT": "a possessive quantifier",
}


def _predicate(op: str, value: Any, flags: int) -> _Predicate:
    fold = _Fold(bool(flags & re.ASCII)) if flags & re.IGNORECASE else None
    if op == "ANY":
        return _anything if flags & re.DOTALL else _not_newline
    if op in ("LITERAL", "NOT_LITERAL"):
        same = fold.literal(value) if fold is not None and fold.cased(value) else chr(value).__eq__
        return same if op == "LITERAL" else lambda char: not same(char)
    ranges: list[tuple[int, int]] = []
    categories: list[_Predicate] = []
    negate = False
    for member, argument in value:
        kind = str(member)
        if kind == "NEGATE":
            negate = True
        elif kind == "LITERAL":
            ranges.append((int(argument), int(argument)))
        elif kind == "RANGE":
            ranges.append((int(argument[0]), int(argument[1])))
        elif kind == "CATEGORY":
            categories.append(_category(str(argument), bool(flags & re.ASCII)))
        else:
            raise UnsupportedPattern(f"uses a character class of kind {kind}")
    if fold is not None and any(fold.cased_range(low, high) for low, high in ranges):
        # re tests a class that holds a cased letter with the lower case of the character.
        members = [fold.in_range(low, high) for low, high in ranges]
        probe: Callable[[str], str] = fold.lower
    else:
        members = [_in_range(low, high) for low, high in ranges]
        probe = str
    tests = (*members, *(lambda char, test=test: test(probe(char)) for test in categories))

    def test(char: str) -> bool:
        return any(member(char) for member in tests) is not negate

    return test


def _in_range(low: int, high: int) -> _Predicate:
    return lambda char: low <= ord(char) <= high


def _anything(char: str) -> bool:
    return True


def _not_newline(char: str) -> bool:
    return char != "\n"


# re's own case tables: its one-letter lower case, and the letters with more than one other
# case (i with the dotless and the dotted I, U+0131 and U+0130; s with the long s, U+017F).
_sre: Any = importlib.import_module("_sre")
_EXTRA_CASES: dict[int, tuple[int, ...]] = dict(
    getattr(importlib.import_module("re._casefix"), "_EXTRA_CASES", {})
)


@dataclass(frozen=True, slots=True)
class _Fold:
    """How ``re`` compares letters when it ignores case: by their lower case, and the extra
    cases of its table; with ``re.ASCII``, by ASCII lower case alone."""

    ascii_only: bool

    def lower(self, char: str) -> str:
        tolower = _sre.ascii_tolower if self.ascii_only else _sre.unicode_tolower
        return chr(tolower(ord(char)))

    def cased(self, code: int) -> bool:
        iscased = _sre.ascii_iscased if self.ascii_only else _sre.unicode_iscased
        return bool(iscased(code))

    def cased_range(self, low: int, high: int) -> bool:
        # As re has it: a range past the first 65,536 code points counts as cased.
        return high > 0xFFFF or any(self.cased(code) for code in range(low, high + 1))

    def extra(self, code: int) -> tuple[int, ...]:
        return () if self.ascii_only else _EXTRA_CASES.get(code, ())

    def literal(self, code: int) -> _Predicate:
        lower = ord(self.lower(chr(code)))
        same = {lower, *self.extra(lower)}
        return lambda char: ord(self.lower(char)) in same

    def in_range(self, low: int, high: int) -> _Predicate:
        # A letter matches when its lower case is the lower case (or an extra case) of some
        # letter in the range: look among the letters with that lower case.
        def test(char: str) -> bool:
            lower = ord(self.lower(char))
            return any(
                low <= code <= high
                for target in (lower, *self.extra(lower))
                for code in (target, *_with_lower_case(self.ascii_only).get(target, ()))
            )

        return test


@cache
def _with_lower_case(ascii_only: bool) -> dict[int, tuple[int, ...]]:
    """Each lower case letter -> the other letters whose lower case it is (once per run: about
    a tenth of a second for all of Unicode)."""
    tolower = _sre.ascii_tolower if ascii_only else _sre.unicode_tolower
    found: dict[int, list[int]] = {}
    for code in range(0x80 if ascii_only else sys.maxunicode + 1):
        lower = tolower(code)
        if lower != code:
            found.setdefault(lower, []).append(code)
    return {lower: tuple(codes) for lower, codes in found.items()}


def _category(name: str, ascii_only: bool) -> _Predicate:
    negated = "_NOT_" in name
    base = name.replace("_NOT_", "_")
    test: _Predicate
    if base == "CATEGORY_DIGIT":
        test = (lambda c: "0" <= c <= "9") if ascii_only else str.isdecimal
    elif base == "CATEGORY_SPACE":
        test = (lambda c: c in " \t\n\r\f\v") if ascii_only else str.isspace
    elif base == "CATEGORY_WORD":
        test = _is_ascii_word if ascii_only else _is_word
    elif base == "CATEGORY_LINEBREAK":
        test = "\n".__eq__
    else:
        raise UnsupportedPattern(f"uses the character category {name}")
    return (lambda char: not test(char)) if negated else test


def _assertion(name: str, flags: int) -> tuple[_Condition, int]:
    """The test of a place for an assertion, and the facts about places it looks at."""
    lines = _PREV_NL | _NEXT_NL if flags & re.MULTILINE else 0
    prev_word, next_word = (
        (_PREV_ASCII_WORD, _NEXT_ASCII_WORD) if flags & re.ASCII else (_PREV_WORD, _NEXT_WORD)
    )
    if name == "AT_BEGINNING":
        starts = _START | (lines & _PREV_NL)
        return (lambda place: bool(place & starts)), starts
    if name == "AT_BEGINNING_STRING":
        return (lambda place: bool(place & _START)), _START
    if name == "AT_END":  # also before a newline that ends the text, as in re
        ends = _END | _BEFORE_LAST_NL | (lines & _NEXT_NL)
        return (lambda place: bool(place & ends)), ends
    if name == "AT_END_STRING":
        return (lambda place: bool(place & _END)), _END
    words = prev_word | next_word
    if name == "AT_BOUNDARY":
        return (lambda place: bool(place & prev_word) != bool(place & next_word)), words
    if name == "AT_NON_BOUNDARY":
        # re finds no \B in an empty string (before Python 3.14).
        return (
            lambda place: not place & _EMPTY and bool(place & prev_word) == bool(place & next_word)
        ), words | _EMPTY
    raise UnsupportedPattern(f"uses the assertion {name}")
