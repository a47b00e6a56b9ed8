"""Deterministic automata over decimal digits, built from phonenumbers' regular expressions.

Private to `custmaster.validate._phone_plan`. phonenumbers describes each number type of a
region by a regular expression over digits. This module parses those expressions (with the
standard library's own parser), builds one nondeterministic automaton whose accepting nodes
are labelled with the expression's name, and turns it into a deterministic one by subset
construction. The plan uses it two ways:

* to find, for every length and 4-digit prefix, whether the prefix alone decides the number
  type (``138…`` with 11 digits is always a mobile): one dict look-up instead of regular
  expression matching, exact by construction;
* to find which 2-digit starts can begin a match of a prefix pattern (the national prefix,
  the international prefix), so the regex is only run when it can match.

Only the constructs the metadata uses are supported (literals, classes, ``\\d``,
alternation, groups, bounded and unbounded repetition); anything else raises
`UnsupportedPatternError` and the plan falls back to plain regular expressions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

try:  # Python >= 3.11
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

__all__ = ["DigitDFA", "UnsupportedPatternError"]

_ALL: Final = (1 << 10) - 1
_MAX_STATES: Final = 200_000


class UnsupportedPatternError(ValueError):
    """The expression uses a construct this module does not translate."""


class _NFA:
    __slots__ = ("accept", "edges", "eps")

    def __init__(self) -> None:
        self.edges: list[list[tuple[int, int]]] = []
        self.eps: list[list[int]] = []
        self.accept: list[str | None] = []

    def node(self) -> int:
        self.edges.append([])
        self.eps.append([])
        self.accept.append(None)
        return len(self.edges) - 1

    def add(self, parsed: Iterable[tuple[Any, Any]], start: int) -> int:
        """Add the automaton of a parsed sequence after ``start``; return its end node."""
        node = start
        for op, arg in parsed:
            node = self._item(op, arg, node)
        return node

    def _item(self, op: Any, arg: Any, start: int) -> int:
        if op is _sre.LITERAL:
            end = self.node()
            char = chr(arg)
            mask = 1 << (ord(char) - 48) if "0" <= char <= "9" else 0
            self.edges[start].append((mask, end))
            return end
        if op is _sre.IN:
            end = self.node()
            self.edges[start].append((_class_mask(arg), end))
            return end
        if op is _sre.ANY:
            end = self.node()
            self.edges[start].append((_ALL, end))
            return end
        if op is _sre.SUBPATTERN:
            return self.add(arg[-1], start)
        if op is _sre.BRANCH:
            end = self.node()
            for alternative in arg[1]:
                first = self.node()
                self.eps[start].append(first)
                self.eps[self.add(alternative, first)].append(end)
            return end
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            low, high, body = arg
            node = start
            for _ in range(low):
                node = self.add(body, node)
            if high is _sre.MAXREPEAT:
                loop = self.node()
                self.eps[node].append(loop)
                self.eps[self.add(body, loop)].append(loop)
                return loop
            end = self.node()
            self.eps[node].append(end)
            for _ in range(high - low):
                node = self.add(body, node)
                self.eps[node].append(end)
            return end
        raise UnsupportedPatternError(f"unsupported regular expression construct {op}")


def _class_mask(items: Iterable[tuple[Any, Any]]) -> int:
    mask = 0
    negate = False
    for op, arg in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            char = chr(arg)
            if "0" <= char <= "9":
                mask |= 1 << (ord(char) - 48)
        elif op is _sre.RANGE:
            low, high = max(arg[0], 48), min(arg[1], 57)
            for code in range(low, high + 1):
                mask |= 1 << (code - 48)
        elif op is _sre.CATEGORY and arg is _sre.CATEGORY_DIGIT:
            mask = _ALL
        else:
            raise UnsupportedPatternError(f"unsupported character class item {op}")
    return _ALL & ~mask if negate else mask


class DigitDFA:
    """The deterministic automaton of several named digit patterns, matched in full.

    State 0 is the start, state 1 the dead state (no pattern can match any more).
    ``trans[state][digit]`` is the next state; ``accepts[state]`` holds the names of the
    patterns that match the digits read so far.
    """

    __slots__ = ("accepts", "trans")

    DEAD: Final = 1

    def __init__(self, patterns: Mapping[str, str]) -> None:
        nfa = _NFA()
        start = nfa.node()
        for name, pattern in patterns.items():
            first = nfa.node()
            nfa.eps[start].append(first)
            nfa.accept[nfa.add(_sre_parse.parse(pattern), first)] = name

        closure_memo: dict[int, frozenset[int]] = {}

        def closure(node: int) -> frozenset[int]:
            found = closure_memo.get(node)
            if found is None:
                seen = {node}
                stack = [node]
                while stack:
                    for nxt in nfa.eps[stack.pop()]:
                        if nxt not in seen:
                            seen.add(nxt)
                            stack.append(nxt)
                found = closure_memo[node] = frozenset(seen)
            return found

        initial = closure(start)
        ids: dict[frozenset[int], int] = {initial: 0, frozenset(): self.DEAD}
        order: list[frozenset[int]] = [initial, frozenset()]
        self.trans: list[list[int]] = []
        self.accepts: list[frozenset[str]] = []
        index = 0
        while index < len(order):
            current = order[index]
            index += 1
            targets: list[set[int]] = [set() for _ in range(10)]
            for node in current:
                for mask, target in nfa.edges[node]:
                    for digit in range(10):
                        if mask >> digit & 1:
                            targets[digit] |= closure(target)
            row = []
            for digit in range(10):
                key = frozenset(targets[digit])
                state = ids.get(key)
                if state is None:
                    if len(order) >= _MAX_STATES:  # pragma: no cover - metadata is far smaller
                        raise UnsupportedPatternError("automaton too large")
                    state = ids[key] = len(order)
                    order.append(key)
                row.append(state)
            self.trans.append(row)
            self.accepts.append(
                frozenset(label for node in current if (label := nfa.accept[node]) is not None)
            )

    def run(self, digits: str, state: int = 0) -> int:
        """The state after reading ``digits`` (ASCII) from ``state``."""
        trans = self.trans
        for char in digits:
            state = trans[state][ord(char) - 48]
        return state

    def match_ends(self, digits: str) -> tuple[frozenset[int], int]:
        """Where a prefix match of ``digits`` can end, and the state after all of them."""
        ends = {0} if self.accepts[0] else set()
        state = 0
        for position, char in enumerate(digits, 1):
            state = self.trans[state][ord(char) - 48]
            if self.accepts[state]:
                ends.add(position)
        return frozenset(ends), state

    def full_match_starts(self, size: int) -> frozenset[str]:
        """The ``size``-digit strings that a full match (``re.fullmatch``) can begin with.

        Strings shorter than ``size`` are not covered: callers test them directly.
        """
        found: set[str] = set()

        def visit(prefix: str, state: int) -> None:
            if state == self.DEAD:
                return
            if len(prefix) == size:
                found.add(prefix)
                return
            for digit in range(10):
                visit(prefix + str(digit), self.trans[state][digit])

        visit("", 0)
        return frozenset(found)

    def prefix_starts(self, size: int) -> frozenset[str]:
        """The ``size``-digit strings that a prefix match (``re.match``) can begin with.

        A string qualifies when a match ends inside it or could still continue after it.
        """
        found: set[str] = set()

        def visit(prefix: str, state: int, matched: bool) -> None:
            matched = matched or bool(self.accepts[state])
            if state == self.DEAD and not matched:
                return
            if len(prefix) == size:
                found.add(prefix)
                return
            for digit in range(10):
                visit(prefix + str(digit), self.trans[state][digit], matched)

        visit("", 0, False)
        return frozenset(found)
