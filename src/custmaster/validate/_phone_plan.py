"""China's numbering plan as compiled tables, derived from phonenumbers' CN metadata.

Private to `custmaster.validate.phone`. `CN` is built once, at import, from the metadata
phonenumbers ships, so a phonenumbers upgrade updates the plan. The only numbers typed in
here are `SUPPLEMENT`: blocks the MIIT has assigned that the metadata lacks (149, China
Telecom's mobile block), added to that type's pattern before anything is compiled, so they
cost nothing per number. Apart from them it reproduces what ``phonenumbers.parse(digits,
"CN")`` followed by ``is_valid_number`` and ``number_type`` decide for a plain digit string
(an optional leading ``+``), step for step:

1. the international prefix (``+``, ``00`` …) and the country calling code 86, or ``86``
   written without ``+`` when the number only makes sense without it;
2. the national prefix ``0`` and carrier / IP-dial prefixes phonenumbers strips
   (``national_prefix_for_parsing``), with its viability checks;
3. the number type, phonenumbers' first matching type pattern in its order. The type
   patterns are compiled into one digit automaton (`custmaster.validate._phone_dfa`); for
   each possible length, a table maps every 4-digit prefix that decides the type on its own
   (``1380`` and 11 digits: mobile) to that type, and the other prefixes to the automaton
   state from which the remaining digits are read. `CNPlan.kind_by_regex` does the same
   with regular expressions (the patterns of one length joined into one alternation whose
   first matching branch names the type); it is the fallback should the metadata ever use a
   construct the automaton builder does not know.

Numbers that belong to another country make `CNPlan.national` return `FOREIGN`; the caller
hands them to phonenumbers. ``tests/test_phone_differential.py`` proves the agreement on a
large corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Final

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

from custmaster.validate._phone_dfa import DigitDFA, UnsupportedPatternError

__all__ = [
    "CN",
    "FOREIGN",
    "SUPPLEMENT",
    "TOO_LONG",
    "TOO_SHORT",
    "CNPlan",
]

_PREFIX: Final = 4
_MIXED: Final = object()

#: Returned by `CNPlan.national` for a number with another country calling code.
FOREIGN: Final = "foreign"

#: `CNPlan.length_check` results that phonenumbers calls TOO_SHORT / TOO_LONG / INVALID_LENGTH.
TOO_SHORT: Final = "too_short"
TOO_LONG: Final = "too_long"
INVALID_LENGTH: Final = "invalid_length"
LOCAL_ONLY: Final = "local_only"
POSSIBLE: Final = "possible"

# phonenumbers' limits (phonenumberutil._MIN_LENGTH_FOR_NSN, _MAX_LENGTH_FOR_NSN, ...).
_MIN_NSN: Final = 2
_MAX_NSN: Final = 17
_MAX_CC: Final = 3
_MAX_INPUT: Final = 250

# Type names in the order phonenumbers' _number_type_helper tests them (before fixed line).
_SPECIAL_TYPES: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


#: Number blocks the metadata lacks, by number type: a regular expression of national numbers
#: (the type's possible lengths apply). 149 is China Telecom's mobile block (MIIT, first
#: issued for data SIMs, now for any mobile line; 145 and 147 of the other operators are in
#: the metadata). The 13-digit IoT blocks (140, 141, 144, 146, 148) are not personal numbers
#: and stay out.
SUPPLEMENT: Final[dict[str, str]] = {"mobile": r"149\d{8}"}


def _supplemented(name: str, desc: object) -> object:
    """``desc`` with the `SUPPLEMENT` block of type ``name`` added to its pattern."""
    extra = SUPPLEMENT.get(name)
    pattern = _pattern(desc)
    if extra is None or pattern is None:
        return desc
    return SimpleNamespace(
        national_number_pattern=f"(?:{pattern})|{extra}",
        possible_length=getattr(desc, "possible_length", ()),
    )


def _pattern(desc: object) -> str | None:
    pattern = getattr(desc, "national_number_pattern", None) if desc is not None else None
    return pattern or None


def _lengths(desc: object, fallback: tuple[int, ...]) -> frozenset[int]:
    lengths = tuple(getattr(desc, "possible_length", ()) or ())
    return frozenset(lengths or fallback)


class CNPlan:
    """The compiled numbering plan of one region (built for CN)."""

    __slots__ = (
        "_by_length",
        "_cc",
        "_cc_shadowed",
        "_dfa",
        "_finals",
        "_general",
        "_general_starts",
        "_idd",
        "_idd_starts",
        "_lengths",
        "_local_lengths",
        "_max_len",
        "_min_len",
        "_mobile",
        "_mobile_lengths",
        "_np_known",
        "_np_routes",
        "_np_starts",
        "_plus_cc",
        "_prefix",
        "_routes",
        "_run",
        "_same_fixed_mobile",
        "_short_code",
        "_short_general",
        "_strip_lengths",
        "_tables",
        "_transform",
        "_type_lengths",
        "country_code",
        "region",
    )

    def __init__(self, region: str) -> None:
        md = PhoneMetadata.metadata_for_region(region)
        short = PhoneMetadata.short_metadata_for_region(region)
        if md is None or short is None:  # pragma: no cover - phonenumbers always has CN
            raise LookupError(f"phonenumbers has no metadata for {region}")
        general_desc = md.general_desc
        general = _pattern(general_desc)
        if general_desc is None or general is None or md.country_code is None:
            message = f"phonenumbers has no general pattern for {region}"
            raise LookupError(message)  # pragma: no cover
        # The supplement's numbers must pass the general pattern too (phonenumbers' viability
        # tests read it); 149… already does (1\d{10}), the alternation keeps that true.
        general = "|".join((f"(?:{general})", *SUPPLEMENT.values()))
        self.region = region
        self.country_code: int = md.country_code
        self._cc = str(md.country_code)
        self._plus_cc = "+" + self._cc
        self._general = re.compile(general)
        lengths = tuple(sorted(general_desc.possible_length))
        self._lengths = frozenset(lengths)
        self._min_len = lengths[0]
        self._max_len = lengths[-1]
        self._local_lengths = frozenset(general_desc.possible_length_local_only or ())
        self._idd = re.compile(md.international_prefix or "NonMatch")
        self._prefix = (
            re.compile(md.national_prefix_for_parsing) if md.national_prefix_for_parsing else None
        )
        self._transform: str | None = md.national_prefix_transform_rule or None
        self._same_fixed_mobile = bool(md.same_mobile_and_fixed_line_pattern)
        mobile_desc = _supplemented("mobile", md.mobile)
        mobile = _pattern(mobile_desc)
        self._mobile = re.compile(mobile) if mobile else None
        self._mobile_lengths = _lengths(mobile_desc, lengths)
        # One alternation per possible length; the first alternative that matches in full
        # names the type (fullmatch backtracks through alternatives in order).
        descs: list[tuple[str, object]] = [
            (name, _supplemented(name, getattr(md, name))) for name in _SPECIAL_TYPES
        ]
        descs.append(("fixed_line", _supplemented("fixed_line", md.fixed_line)))
        if not self._same_fixed_mobile:
            descs.append(("mobile", mobile_desc))
        self._by_length: dict[int, re.Pattern[str]] = {}
        for length in lengths:
            alternatives = []
            for name, desc in descs:
                pattern = _pattern(desc)
                if pattern is None or length not in _lengths(desc, lengths):
                    continue
                if re.compile(pattern).groups:  # pragma: no cover - metadata uses (?:...)
                    raise ValueError(f"capturing group in the {name} pattern of {region}")
                alternatives.append(f"(?P<{name}>{pattern})")
            if alternatives:
                self._by_length[length] = re.compile(
                    f"(?=(?:{general})\\Z)(?:{'|'.join(alternatives)})"
                )
        self._type_lengths = {name: _lengths(desc, lengths) for name, desc in descs}
        self._dfa: DigitDFA | None = None
        self._run: Callable[[str, int], int] = _no_automaton
        self._tables: dict[int, dict[str, str | int]] = {}
        self._finals: dict[int, list[str | None]] = {}
        self._np_starts: frozenset[str] | None = None
        self._np_known: dict[str, int] = {}
        # Lengths at which phonenumbers keeps a number with its national prefix stripped
        # (_test_number_length is neither TOO_SHORT, IS_POSSIBLE_LOCAL_ONLY nor INVALID_LENGTH).
        self._strip_lengths = frozenset(
            n
            for n in range(self._max_len + _MAX_NSN + 1)
            if self.length_check(n * "0") in (POSSIBLE, TOO_LONG)
        )
        self._general_starts: frozenset[str] | None = None
        # Whether a shorter calling code is a prefix of ours ("8" of "86"): then a number
        # starting with "86" could belong elsewhere and needs the full look-up.
        self._cc_shadowed = any(
            int(self._cc[:size]) in COUNTRY_CODE_TO_REGION_CODE for size in range(1, len(self._cc))
        )
        self._idd_starts: frozenset[str] | None = None
        self._routes: dict[str, int] = {}
        self._np_routes: dict[str, int] = {}
        try:
            self._build_tables(general, descs, md.national_prefix_for_parsing)
            self._idd_starts = DigitDFA(
                {"idd": md.international_prefix or "NonMatch"}
            ).prefix_starts(2)
            self._build_routes()
        except UnsupportedPatternError:  # pragma: no cover - the regex path is still exact
            self._dfa = None
            self._tables = {}
            self._np_starts = self._general_starts = self._idd_starts = None
            self._np_known = {}
            self._routes = {}
            self._np_routes = {}
        self._short_general = (
            re.compile(_pattern(short.general_desc) or "NonMatch"),
            _lengths(short.general_desc, ()),
        )
        self._short_code = (
            re.compile(_pattern(short.short_code) or "NonMatch"),
            _lengths(short.short_code, ()),
        )

    def _build_tables(
        self, general: str, descs: list[tuple[str, object]], national_prefix: str | None
    ) -> None:
        patterns = {"general_desc": general}
        patterns.update((name, p) for name, desc in descs if (p := _pattern(desc)) is not None)
        dfa = DigitDFA(patterns)
        self._general_starts = DigitDFA({"general": general}).full_match_starts(2)
        if national_prefix:
            np_dfa = DigitDFA({"np": national_prefix})
            self._np_starts = np_dfa.prefix_starts(2)
            # Starts where the match is one known length and the general pattern cannot match
            # (so phonenumbers' viability test cannot keep the prefix): strip without a regex.
            if self._transform is None:
                for start in self._np_starts:
                    ends, state = np_dfa.match_ends(start)
                    if (
                        len(ends) == 1
                        and state == np_dfa.DEAD
                        and start not in self._general_starts
                    ):
                        self._np_known[start] = next(iter(ends))
        for length in sorted(self._lengths):
            finals = [self._final(accepted, length) for accepted in dfa.accepts]
            memo: dict[tuple[int, int], object] = {}

            def outcome(
                state: int,
                rest: int,
                finals: list[str | None] = finals,
                memo: dict[tuple[int, int], object] = memo,
            ) -> object:
                if state == dfa.DEAD:
                    return None
                if rest == 0:
                    return finals[state]
                key = (state, rest)
                if key not in memo:
                    found = {outcome(nxt, rest - 1) for nxt in dfa.trans[state]}
                    memo[key] = found.pop() if len(found) == 1 else _MIXED
                return memo[key]

            size = min(_PREFIX, length)
            table: dict[str, str | int] = {}
            stack = [("", 0)]
            while stack:
                prefix, state = stack.pop()
                if state == dfa.DEAD:
                    continue
                if len(prefix) < size:
                    stack.extend((prefix + str(d), dfa.trans[state][d]) for d in range(10))
                    continue
                result = outcome(state, length - size)
                if result is _MIXED:
                    table[prefix] = state
                elif isinstance(result, str):
                    table[prefix] = result
            self._tables[length] = table
            self._finals[length] = finals
        self._dfa = dfa
        self._run = dfa.run

    def _build_routes(self) -> None:
        """For each 2-digit start of a plain digit string, the shortcut through `national`.

        `_routes` (the whole number): 0, nothing can be stripped (no international prefix,
        not the calling code, no national prefix); n > 0, the national prefix is the first n
        digits and nothing else can apply. `_np_routes` (a number after its calling code):
        the same for the national prefix alone. Starts without a route take the full
        procedure.
        """
        for first in range(100):
            start = f"{first:02d}"
            if self._np_starts is not None:
                if start not in self._np_starts:
                    self._np_routes[start] = 0
                elif start in self._np_known:
                    self._np_routes[start] = self._np_known[start]
            if (
                self._idd_starts is None
                or self._np_starts is None
                or start in self._idd_starts
                or start.startswith(self._cc)
                or self._cc.startswith(start)
            ):
                continue
            if start not in self._np_starts:
                self._routes[start] = 0
            elif start in self._np_known:
                self._routes[start] = self._np_known[start]

    def _final(self, accepted: frozenset[str], length: int) -> str | None:
        """phonenumbers' ``_number_type_helper`` given the patterns a number matches."""
        if "general_desc" not in accepted:
            return None
        lengths = self._type_lengths
        for name in _SPECIAL_TYPES:
            if name in accepted and length in lengths[name]:
                return name
        if "fixed_line" in accepted and length in lengths["fixed_line"]:
            if self._same_fixed_mobile or ("mobile" in accepted and length in self._mobile_lengths):
                return "fixed_line_or_mobile"
            return "fixed_line"
        if not self._same_fixed_mobile and "mobile" in accepted and length in lengths["mobile"]:
            return "mobile"
        return None

    # -- phonenumbers.parse, restricted to digit strings -------------------------------------

    def general_match(self, number: str) -> bool:
        """Whether the general pattern matches ``number`` in full (phonenumbers' viability)."""
        starts = self._general_starts
        if starts is not None and len(number) >= 2 and number[:2] not in starts:
            return False
        return self._general.fullmatch(number) is not None

    def strip_national_prefix(self, number: str) -> str:
        """phonenumbers' ``_maybe_strip_national_prefix_carrier_code`` (number part only)."""
        if not number or self._prefix is None:
            return number
        match = self._prefix.match(number)
        if match is None:
            return number
        viable = self.general_match(number)
        groups = match.groups()
        if self._transform is None or not groups or groups[-1] is None:
            rest = number[match.end() :]
        else:
            rest = self._prefix.sub(self._transform, number, count=1)
        if viable and not self.general_match(rest):
            return number
        return rest

    def length_check(self, number: str) -> str:
        """phonenumbers' ``_test_number_length`` for the general description."""
        n = len(number)
        if n in self._local_lengths:
            return LOCAL_ONLY
        if n < self._min_len:
            return TOO_SHORT
        if n > self._max_len:
            return TOO_LONG
        return POSSIBLE if n in self._lengths else INVALID_LENGTH

    def national(self, number: str) -> str | None:
        """The national significant number phonenumbers would parse from ``number``.

        ``number`` is ASCII digits with an optional leading ``+``. Returns `FOREIGN` when the
        number carries another country calling code, and None where phonenumbers raises
        (too short, too long, nothing after the international prefix).
        """
        size = len(number)
        route = self._routes.get(number[:2])
        if route is not None:
            if route and size - route in self._strip_lengths:
                size -= route
                number = number[route:]
            return number if size <= _MAX_NSN else None
        if size > _MAX_INPUT or size < _MIN_NSN:
            return None
        if number.startswith(self._plus_cc) and not self._cc_shadowed:
            if size <= 1 + _MIN_NSN:
                return None
            national = number[len(self._plus_cc) :]
        else:
            first = number[0]
            match = None
            if first != "+" and (self._idd_starts is None or number[:2] in self._idd_starts):
                match = self._idd.match(number)
            if first == "+" or (match is not None and number[match.end() : match.end() + 1] != "0"):
                full = number[1:] if first == "+" else number[match.end() :]  # type: ignore[union-attr]
                if len(full) <= _MIN_NSN:
                    return None
                if not full.startswith(self._cc) or (
                    self._cc_shadowed and _country_code(full) != self.country_code
                ):
                    return FOREIGN
                national = full[len(self._cc) :]
            elif number.startswith(self._cc):
                candidate = self._prefix_only(number[len(self._cc) :])
                if self.length_check(number) == TOO_LONG or (
                    not self.general_match(number) and self.general_match(candidate)
                ):
                    national = candidate
                else:
                    national = number
            else:
                national = number
        if len(national) < _MIN_NSN:
            return None
        route = self._np_routes.get(national[:2])
        if route != 0:
            stripped = (
                national[route:] if route is not None else self.strip_national_prefix(national)
            )
            if stripped is not national and len(stripped) in self._strip_lengths:
                national = stripped
        return national if len(national) <= _MAX_NSN else None

    def _prefix_only(self, number: str) -> str:
        """`strip_national_prefix` with the shortcut of `_np_routes`."""
        route = self._np_routes.get(number[:2])
        if route is None:
            return self.strip_national_prefix(number)
        return number[route:] if route else number

    def lookup(self, number: str) -> tuple[str, str] | str | None:
        """`national` and `kind` in one call: ``(nsn, kind)`` for a valid number, `FOREIGN`
        for another country's, None for an invalid one (the hot path of every import)."""
        route = self._routes.get(number[:2])
        if route is None:
            # "+86…" with a national part whose start decides the national prefix.
            plus_cc = self._plus_cc
            if (
                number.startswith(plus_cc)
                and not self._cc_shadowed
                and len(number) >= len(plus_cc) + _MIN_NSN
                and len(number) <= _MAX_INPUT
                and (route := self._np_routes.get(number[len(plus_cc) : len(plus_cc) + 2]))
                is not None
            ):
                nsn = number[len(plus_cc) :]
                if route and len(nsn) - route in self._strip_lengths:
                    nsn = nsn[route:]
            else:
                found = self.national(number)
                if found is None or found == FOREIGN:
                    return found
                nsn = found
        elif route and len(number) - route in self._strip_lengths:
            nsn = number[route:]
        else:
            nsn = number
        size = len(nsn)
        table = self._tables.get(size)
        if table is None:
            if self._dfa is None and size <= _MAX_NSN:
                name = self.kind_by_regex(nsn)
                return (nsn, name) if name is not None else None
            return None
        entry = table.get(nsn[:_PREFIX])
        if entry is None:
            return None
        if type(entry) is int:
            name = self._finals[size][self._run(nsn[_PREFIX:], entry)]
            return (nsn, name) if name is not None else None
        return nsn, entry  # type: ignore[return-value]

    def kind(self, nsn: str) -> str | None:
        """phonenumbers' number type of a national significant number (None = invalid).

        ``nsn`` must be ASCII digits.
        """
        table = self._tables.get(len(nsn))
        if table is None:
            return self.kind_by_regex(nsn) if self._dfa is None else None
        found = table.get(nsn[:_PREFIX])
        if type(found) is int:
            return self._finals[len(nsn)][self._run(nsn[_PREFIX:], found)]
        return found  # type: ignore[return-value]

    def kind_by_regex(self, nsn: str) -> str | None:
        """`kind` by regular expressions alone (the reference for the automaton)."""
        pattern = self._by_length.get(len(nsn))
        if pattern is None:
            return None
        match = pattern.fullmatch(nsn)
        if match is None:
            return None
        name = match.lastgroup
        if name == "fixed_line" and (
            self._same_fixed_mobile
            or (
                self._mobile is not None
                and len(nsn) in self._mobile_lengths
                and self._mobile.fullmatch(nsn) is not None
            )
        ):
            return "fixed_line_or_mobile"
        return name

    def is_short_code(self, digits: str) -> bool:
        """shortnumberinfo's ``is_valid_short_number_for_region`` for national digits."""
        for pattern, lengths in (self._short_general, self._short_code):
            if lengths and len(digits) not in lengths:
                return False
            if pattern.fullmatch(digits) is None:
                return False
        return True


def _no_automaton(digits: str, state: int) -> int:  # pragma: no cover - tables are empty then
    raise LookupError("the numbering plan has no automaton")


def _country_code(number: str) -> int:
    """phonenumbers' ``_extract_country_code``: the calling code ``number`` starts with."""
    if not number or number[0] == "0":
        return 0
    for size in range(1, min(len(number), _MAX_CC) + 1):
        code = int(number[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            return code
    return 0


#: The plan for mainland China.
CN: Final = CNPlan("CN")

if COUNTRY_CODE_TO_REGION_CODE.get(CN.country_code) != ("CN",):  # pragma: no cover
    raise ImportError(
        f"phonenumbers {phonenumbers.__version__} shares calling code 86 with another region"
    )
