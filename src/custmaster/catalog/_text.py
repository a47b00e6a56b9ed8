"""Text handling of the vehicle-series classifier: normalisation, placeholders, model codes.

Private to `custmaster.catalog`. Everything here is pure and precompiled once per catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Iterable

__all__ = [
    "ASCII_ALNUM",
    "ASCII_LETTERS",
    "DOTS",
    "GLUED_TAILS",
    "MOTORCYCLE",
    "CodeFinder",
    "compact_gaps",
    "drop_model_years",
    "import_code_pattern",
    "is_cjk",
    "is_year_code",
    "join_cjk",
    "key_of",
    "motorcycle_letters",
    "normalise",
    "placeholder_reason",
]

ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
ASCII_ALNUM = ASCII_LETTERS | frozenset("0123456789")

#: Values a core system writes when it does not know the make/model, after dropping punctuation
#: and spaces and upper-casing (``N/A`` -> ``NA``).
_PLACEHOLDERS = frozenset(
    {
        "不详",
        "不明",
        "无",
        "暂无",
        "未知",
        "空",
        "其他",
        "其它",
        "待定",
        "待补",
        "待补充",
        "未填",
        "未填写",
        "未录入",
        "未提供",
        "暂缺",
        "缺失",
        "无数据",
        "NA",
        "NULL",
        "NONE",
        "NIL",
        "NAN",
        "UNKNOWN",
        "0",
        "00",
        "000",
    }
)
_NOT_WORD = re.compile(r"[\W_]+")
_WORD_CHAR = re.compile(r"[^\W_]")
#: VIN-style dots (U+30FB, U+FF65 after NFKC) become the middle dot the catalogue uses.
DOTS = str.maketrans({"\u30fb": "\u00b7", "\u2027": "\u00b7", "\u2022": "\u00b7"})


def normalise(text: str) -> str:
    """NFKC (full-width to ASCII), upper case, one space for every run of white space.

    `custmaster.catalog.vehicle_series.Classifier` has a copy of this inline (its hot path),
    which translates the dots later, in the text around the model code.

    >>> normalise('  雅阁ＨＧ７２４０\\tab  ')
    '雅阁HG7240 AB'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if "\u30fb" in text or "\u2027" in text or "\u2022" in text:
            text = text.translate(DOTS)
    return " ".join(text.upper().split())


# A separator between two CJK characters: joint-venture and brand names are written with one
# (北京・现代, 一汽-大众, 东风·日产, 阿斯顿·马丁) or without (北京现代, 一汽大众).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_CJK_SEPARATED = re.compile(rf"(?<=[{_CJK}]) ?[\u00b7\-\u2010-\u2015/] ?(?=[{_CJK}])")
_SEPARATORS = frozenset("\u00b7-\u2010\u2011\u2012\u2013\u2014\u2015/")


def join_cjk(spaced: str, joint: str = " ") -> str:
    """``spaced`` (normalised) with each separator between two CJK characters (``·``, ``-``,
    dashes, ``/``) replaced by ``joint``: ``北京・现代`` reads as the producer 北京现代, not as the
    brand 北京 followed by the brand 现代.

    >>> join_cjk('北京·现代 伊兰特'), join_cjk('一汽-大众', ''), join_cjk('长城C30-EV')
    ('北京 现代 伊兰特', '一汽大众', '长城C30-EV')
    """
    if _SEPARATORS.isdisjoint(spaced):
        return spaced
    return _CJK_SEPARATED.sub(joint, spaced)


def key_of(name: str) -> str:
    """The lookup key of a catalogue name: normalised, without spaces and without separators
    between CJK characters (`join_cjk`).

    >>> key_of('Model 3'), key_of('一汽－大众'), key_of('阿斯顿·马丁')
    ('MODEL3', '一汽大众', '阿斯顿马丁')
    """
    return join_cjk(normalise(name), "").replace(" ", "")


def placeholder_reason(spaced: str) -> str | None:
    """``'empty'`` or ``'placeholder'`` when a normalised string names no vehicle, else ``None``.

    >>> placeholder_reason(''), placeholder_reason('N/A'), placeholder_reason('--')
    ('empty', 'placeholder', 'placeholder')
    >>> placeholder_reason('雅阁') is None
    True
    """
    if not spaced:
        return "empty"
    if len(spaced) > 12:
        return None if _WORD_CHAR.search(spaced) else "placeholder"
    core = _NOT_WORD.sub("", spaced)
    if not core or core in _PLACEHOLDERS:
        return "placeholder"
    return None


_NO_GAPS: frozenset[int] = frozenset()


def compact_gaps(text: str) -> tuple[str, frozenset[int]]:
    """``text`` without spaces and the positions where a space was removed (a boundary for
    Latin words).

    >>> compact_gaps('MODEL Y 2.0')
    ('MODELY2.0', frozenset({5, 6}))
    """
    if " " not in text:
        return text, _NO_GAPS
    gaps: set[int] = set()
    position = 0
    parts = text.split(" ")
    for part in parts[:-1]:
        position += len(part)
        gaps.add(position)
    return "".join(parts), frozenset(gaps)


_MODEL_YEAR = re.compile(r"(?:19|20)[0-9]{2} ?(?:年款|款|年)")


def drop_model_years(spaced: str) -> str:
    """``spaced`` with each model year (``2019款``, ``2020 年款``) replaced by a space, so that
    it separates the words around it (``300C2023款``).

    >>> drop_model_years('300C2023款 豪华版'), drop_model_years('嘉年华')
    ('300C  豪华版', '嘉年华')
    """
    if "款" in spaced or "年" in spaced:
        return _MODEL_YEAR.sub(" ", spaced)
    return spaced


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a CJK unified ideograph (the basic block and extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


# Digits of a GB 9417 model code: class digit, main parameter (2 digits), sequence (1-2 digits),
# with at most one stray space inside (``HG71 35DM``, ``BH6 479G``). They end the number: no
# digit, no decimal part (``BJ 212 1.5T``) and no model year (``Golf 2019款``, ``CC 2019年``)
# follows.
_END = r"(?![0-9]|\.[0-9]| ?[款年])"
# A model year (19xx, 20xx) standing alone: never the digits of a code after a space
# (``Golf 2019``, ``CC 2019``: not ``LF2019``, ``CC2019``) nor a piece of its suffix.
_YEAR = r"(?:19|20)[0-9]{2}(?![0-9A-Z])"
_DIGITS = (
    rf"(?:[0-9]{{4,6}}{_END}|[0-9] [0-9]{{3,5}}{_END}|[0-9]{{2}} [0-9]{{2,4}}{_END}"
    rf"|[0-9]{{3}} [0-9]{{1,3}}{_END})"
)
# The maker's suffix (``AB``, ``ST6HEV9``, ``TA-M5``), which a stray space may split off or cut
# in two (``BYD7150 ST5HEV4``, ``HG7203B BV``); a piece after a space must end the token and
# not be a model year (``HG7240AB 2019款``).
_SUFFIX = rf"(?: ?[A-Z][A-Z0-9]*(?: (?!{_YEAR})[A-Z0-9]+(?![A-Z0-9.款年]))?(?:-[A-Z0-9]+)*)?"
_GENERIC = re.compile(
    rf"(?<![A-Z0-9])[A-Z]{{2,4}}[0-9]{{4,6}}{_END}(?:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)?"
)


def is_year_code(code: str) -> bool:
    """Whether a model code is only letters and a model year (19xx, 20xx), no suffix.

    >>> is_year_code('LF2019'), is_year_code('BJ2020S'), is_year_code('HG7240')
    (True, False, False)
    """
    digits = code[-4:]
    return digits[:2] in ("19", "20") and digits.isdigit() and code[:-4].isalpha()


#: Ends a catalogue prefix that is a motorcycle enterprise code (``HJ-``: 豪爵 ``HJ125-7``).
MOTORCYCLE = "-"
# The rest of a motorcycle model code after its enterprise code: displacement (2-3 digits: 50,
# 125, 650), type letters (``T`` scooter, ``GY`` off-road), ``-``, the design sequence
# (``HJ125-7``, ``WH110T-2``, ``QM125-2D``, ``SDH125-46``); a stray space may follow the letters.
# Its displacement is too short for a car code, which has 4-6 digits (``LF7160``,
# ``BJ4259SMFKB-AA``).
_MOTORCYCLE_REST = r" ?[0-9]{2,3}[A-Z]{0,3}-[0-9A-Z]+(?:-[0-9A-Z]+)?"
_MOTORCYCLE_CODE = re.compile(r"([A-Z]{1,4})[0-9]{2,3}(?![0-9])")


def motorcycle_letters(code: str) -> str | None:
    """The enterprise code of a motorcycle model code (spaces removed), else ``None``: letters
    followed by a displacement of two or three digits, where a car code has four or more.

    >>> motorcycle_letters('HJ125-7'), motorcycle_letters('SDH110T-6')
    ('HJ', 'SDH')
    >>> motorcycle_letters('BJ4259SMFKB-AA') is None
    True
    """
    found = _MOTORCYCLE_CODE.match(code)
    return found.group(1) if found is not None else None


#: Vehicle-type words glued to the end of a code by some systems (``SGM6505ABCVTMPV``).
GLUED_TAILS = ("MPV", "SUV")
_NOTHING = re.compile(r"(?!)")


def _alternatives(letters: Iterable[str]) -> str:
    """A regular expression matching one of ``letters`` (enterprise codes), the longest where
    several start at a position, as their longest-first alternation does: written as a trie,
    so that the engine picks a branch by its first letter instead of trying every code.

    >>> _alternatives(['CA', 'CAM', 'CAF', 'HG', 'BJ'])
    '(?:BJ|CA(?:F|M)?|HG)'
    """
    by_first: dict[str, list[str]] = {}
    ends = False
    for word in sorted(set(letters)):
        if word:
            by_first.setdefault(word[0], []).append(word[1:])
        else:
            ends = True
    branches = [re.escape(first) + _alternatives(rests) for first, rests in by_first.items()]
    if not branches:  # the code ends here, and no longer one
        return ""
    if ends:  # "?" is greedy: the longer codes are tried first, then the code that ends here
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def import_code_pattern(wmis: Iterable[str]) -> re.Pattern[str]:
    """A pattern finding an import's model code, which licences print as the first 7-10
    characters of its VIN: a token opening with one of ``wmis`` (``WDDWF4HB``, ``JTJBARBZ``).
    The codes are a trie as in `CodeFinder`, so that a string holding none fails fast.

    >>> import_code_pattern(['WDD', 'JTJ']).findall('奔驰牌WDDWF4HB JTJ12 WDDX')
    ['WDDWF4HB']
    """
    codes = sorted(set(wmis))
    if not codes:
        return _NOTHING
    return re.compile(rf"(?<![A-Z0-9])(?:{_alternatives(codes)})[A-HJ-NPR-Z0-9]{{4,7}}(?![A-Z0-9])")


class CodeFinder:
    """Find the vehicle model code (车辆型号) in a normalised make/model string.

    Codes starting with a known enterprise code (the letters of a catalogue prefix) are found
    even when glued to a series name (``AccordHG7201MT``); other codes need a word boundary on
    the left and 2-4 letters followed by 4-6 digits (``JX6466TA``). A prefix ending in
    `MOTORCYCLE` (``HJ-``) is a motorcycle enterprise code, whose codes (``HJ125-7``) are looked
    for in a string without a car code (`find_from`: never on the hot path of `split`).

    >>> finder = CodeFinder(['HG7', 'SVW7'])
    >>> finder.find('ACCORDHG7201MT')
    [(6, 14, 'HG7201MT')]
    >>> finder.find('思迪HG71 35DM')
    [(2, 11, 'HG7135DM')]
    >>> finder.find('奔驰E300L')
    []
    >>> CodeFinder(['HG7'], words={'ACCORD'}).find('HG7240 ACCORD')
    [(0, 6, 'HG7240')]
    >>> finder = CodeFinder(['HJ-', 'LF7', 'LF-'])
    >>> finder.find('豪爵牌HJ125-7'), finder.find('LF125-5 LF7160')
    ([(3, 10, 'HJ125-7')], [(8, 14, 'LF7160')])
    """

    __slots__ = ("_known", "_motorcycle", "_tail_word", "_words", "letters", "search", "split")

    def __init__(
        self,
        prefixes: Iterable[str],
        words: Container[str] = (),
        tail_word: Callable[[str, str, str], bool] | None = None,
    ) -> None:
        letters: set[str] = set()
        motorcycles: set[str] = set()
        for prefix in prefixes:
            if prefix.endswith(MOTORCYCLE):
                motorcycles.add(prefix[: -len(MOTORCYCLE)])
            else:
                letters.add(re.match(r"[A-Z]*", prefix).group())  # type: ignore[union-attr]
        letters.discard("")
        motorcycles.discard("")
        #: The enterprise codes of cars, trucks and buses (letters of the catalogue prefixes).
        self.letters = frozenset(letters)
        # One alternation of literals first: the engine then only tries the positions holding
        # one of their first letters (a second branch would cost a try at every position).
        self._known: re.Pattern[str] | None = (
            re.compile(f"(?:{_alternatives(letters)})(?: (?!{_YEAR})|){_DIGITS}{_SUFFIX}")
            if letters
            else None
        )
        self._motorcycle: re.Pattern[str] | None = (
            re.compile(f"(?:{_alternatives(motorcycles)}){_MOTORCYCLE_REST}")
            if motorcycles
            else None
        )
        #: ``search(spaced)``: the first code starting with a known enterprise code, as a match
        #: (or ``None``) to give `find_from`; a caller may `cut` the match itself when it follows
        #: no ASCII letter or digit (the only case where `find` gives several codes).
        self.search = (self._known or _NOTHING).search
        #: ``split(spaced, 1)``: ``[before, text of the match, after]`` for the same match as
        #: `search`, or ``[spaced]`` (one call instead of a match and three slices).
        self.split = re.compile(f"({(self._known or _NOTHING).pattern})").split
        #: Words a stray space must not join to the code (``HG7240 ACCORD``); words of three
        #: characters or fewer may be suffixes (``E6``, ``AC5``) and are joined.
        self._words = words
        #: ``tail_word(code, piece, rest)``: whether the piece a stray space joined to ``code``
        #: begins a word, read with the ``rest`` of the text (``MODEL Y``), that is no suffix
        #: (`trim`); ``None``: only the ``words`` above are left out.
        self._tail_word = tail_word

    def alone(self, code: str) -> bool:
        """Whether no later code can start inside the letters of ``code`` (`find` gives only
        ``code`` even when it is glued to a word): no end of its letters is an enterprise code.

        >>> finder = CodeFinder(['VCC7', 'CC7', 'HG7'])
        >>> finder.alone('HG7240'), finder.alone('VCC7174')
        (True, False)
        """
        letters = code[: len(code) - len(code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
        return not any(letters[i:] in self.letters for i in range(1, len(letters)))

    def find(self, spaced: str) -> list[tuple[int, int, str]]:
        """``(start, end, code)`` of the first model code in ``spaced`` (empty list if none),
        then the codes that start later inside its letters when those are glued to a word
        (``EVCC7174``: ``VCC7174`` and ``CC7174``)."""
        return self.find_from(spaced, self.search(spaced))

    def find_from(self, spaced: str, match: re.Match[str] | None) -> list[tuple[int, int, str]]:
        """`find`, given ``search(spaced)``."""
        # A year glued to a word is a model year (GOLF2019), not a code (LF2019).
        while match is not None and self._year_in_word(spaced, match, ()):
            match = self.search(spaced, match.start() + 1)
        if match is None:
            if self._motorcycle is not None:
                match = self._motorcycle.search(spaced)
                if match is not None:
                    return [self.cut(match)]
            match = _GENERIC.search(spaced)
            while match is not None and self._year_in_word(spaced, match, self._words):
                match = _GENERIC.search(spaced, match.end())
            return [] if match is None else [self.cut(match)]
        found = [self.cut(match)]
        start = match.start()
        if start and spaced[start - 1] in ASCII_ALNUM:
            known: re.Pattern[str] = self._known  # type: ignore[assignment]
            shift = start + 1
            while spaced[shift] in ASCII_LETTERS:
                other = known.match(spaced, shift)
                if other is not None and not is_year_code(other.group()):
                    found.append(self.cut(other))
                shift += 1
        return found

    @staticmethod
    def _year_in_word(spaced: str, match: re.Match[str], words: Container[str]) -> bool:
        """Whether a match is letters and a model year (`is_year_code`) that end a word: glued
        to letters or digits on the left (``GOLF2019``: not ``LF2019``), or letters that are one
        of ``words`` (for codes of unknown enterprise codes: ``GOLF2019`` itself)."""
        code = match.group()
        if not is_year_code(code):
            return False
        start = match.start()
        return bool(start and spaced[start - 1] in ASCII_ALNUM) or code[:-4] in words

    def cut(self, match: re.Match[str]) -> tuple[int, int, str]:
        """``(start, end, code)`` of a `search` match (see `trim`)."""
        text = match.group()
        code, kept = self.trim(text, match.string[match.end() :] if " " in text else "")
        start = match.start()
        return start, start + kept, code

    def trim(self, text: str, rest: str = "") -> tuple[str, int]:
        """The code in the text of a match, and how much of the text it covers: a trailing word
        that a stray space joined is left out (a catalogue word of more than three characters,
        ``ACCORD``, also one that goes on in the ``rest`` of the text after the match, ``MODEL
        Y``, or a series word of three characters of the code's producer, ``CSA7150ACS MG5``:
        the ``tail_word`` callback), spaces are removed, a glued vehicle-type word is cut off
        (and covered).

        >>> CodeFinder(['HG7'], words={'ACCORD'}).trim('HG7240 ACCORD')
        ('HG7240', 6)
        >>> CodeFinder(['SGM6']).trim('SGM6505ABCVTMPV')
        ('SGM6505ABCVT', 15)
        """
        if " " in text:
            head, _, tail = text.rpartition(" ")
            if any(ch.isdigit() for ch in head) and (
                (len(tail) > 3 and tail in self._words)
                or (self._tail_word is not None and self._tail_word(head, tail, rest))
            ):
                text = head
        kept = len(text)
        code = text.replace(" ", "")
        for glued in GLUED_TAILS:
            if code.endswith(glued) and len(code) > len(glued) + 6:
                code = code[: -len(glued)]
        return code, kept
