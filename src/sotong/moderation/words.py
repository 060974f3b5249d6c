"""Word rules: a wall's blocked and allowed words, matched the way Korean and English are written.

``WordRules.build`` compiles the bundled lists (``wordlists/ko.txt``, ``wordlists/en.txt``) and a
wall's own entries once; ``WordRules.check`` is pure and scores one post's text.

Matching works on a normalised copy of the text that remembers where every piece came from: NFKD
and casefold (full-width forms fold to ASCII), default-ignorable code points and nonspacing marks
dropped, Hangul syllables and compatibility jamo spelled as conjoining jamo, so ``ㅆㅣ발`` and
``씨발`` have the same letters. A term is found

- exactly: Korean anywhere inside the text, other scripts as whole words;
- spaced: with whitespace between its letters (``씨 발``, ``f u c k``), only where the match is
  not glued to the words around it, so ``수박씨 발라먹자`` stays clean;
- obfuscated: with punctuation, digits or symbols between its letters (``시1발``), look-alikes
  standing for letters (``ㅆl발``, ``sh1t``, ``f*ck``, a Cyrillic ``с``), typed jamo (``ㅆㅣ발``),
  or, for entries marked ``~``, a similar-sounding spelling (ㅅ/ㅆ, ㅂ/ㅃ, ㅐ/ㅔ and stretched
  vowels: ``시발``, ``씨이발``);
- as initial consonants (``ㅅㅂ``): only against consonants typed as such, never syllables.

Each kind of disguise lowers a hit's score, and so does a Korean match glued inside a longer word
(``도시발전``). Only a clean exact hit of a severe term blocks; any other hit scoring at least
``REVIEW_SCORE`` sends the post to the moderation queue; weaker hits pass.

Every match starts at one position of the text and reaches at most a bounded window after it, so
checking a text takes time linear in its length.

List format, one entry per line (a wall's entries use the same, without ``!`` and comments)::

    # a comment; text after " #" is a comment too
    씨발              blocked, severe: a clean exact hit blocks
    존나 | mild        blocked, mild: a hit is queued, never blocked
    ~씨발             also matches similar-sounding spellings (시발, 씨빨, 씨이발)
    ㅅㅂ               consonants only: matched against consonants typed as such
    fuck*  *fuck*     words of spaced scripts: the word may go on after / around the term
    !시발점            allowed: suppresses the hits it overlaps

A wall's allowed entries suppress every hit they overlap; the bundled allowed entries suppress
hits of the bundled terms only.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal, NamedTuple

from sotong.hashtags import remove_default_ignorables

__all__ = ["REVIEW_SCORE", "WordHit", "WordRules", "WordVerdict"]

How = Literal["exact", "spaced", "obfuscated", "choseong"]
Action = Literal["pass", "review", "block"]

SEVERE = 1.0
MILD = 0.8
REVIEW_SCORE = 0.5
_DISGUISE_PENALTY = 0.15
_CHOSEONG_PENALTY = 0.25
_INSIDE_WORD_PENALTY = 0.4
_MAX_GAP = 4
_DEFAULT_LISTS = ("ko.txt", "en.txt")

# Unit kinds.
_HANGUL, _SPACELESS, _LETTER, _DIGIT, _SPACE, _SOFT, _HARD = range(7)
# Jamo positions.
_L, _V, _T = 1, 2, 3
# Match flags.
_COMPAT = 1
_LOOKALIKE = 2
_SPACE_GAP = 4
_SOFT_GAP = 8
_HARD_GAP = 16
_VARIANT = 32
_GAP_OF_KIND = {_SPACE: _SPACE_GAP, _SOFT: _SOFT_GAP, _DIGIT: _HARD_GAP, _HARD: _HARD_GAP}
_DISGUISES = (_COMPAT, _LOOKALIKE, _SOFT_GAP | _HARD_GAP, _VARIANT, _SPACE_GAP)

_SOFT_MARKS = frozenset(".,!?~:;'\"`()[]{}<>-‐‑–—‘’“”·・「」『』《》〈〉【】〔〕")
_WILDCARD = "*"
_SPACED_SUFFIXES = ("들", "놈", "년", "새끼")
_LAUGHTER = frozenset(unicodedata.normalize("NFKD", "ㅋㅎㄷㅇㅉ"))


def _jamo(compat: str) -> str:
    """Compatibility jamo as conjoining jamo (consonants as initials)."""
    return unicodedata.normalize("NFKD", compat)


_IEUNG = _jamo("ㅇ")
_VOWEL_I = _jamo("ㅣ")
_SOUND_ALIKE = {
    _jamo(a): _jamo(b) for a, b in zip("ㄲㄸㅃㅆㅉㅔㅖㅞㅚ", "ㄱㄷㅂㅅㅈㅐㅒㅙㅙ", strict=True)
}
_LOOKALIKES = {
    "1": "il" + _VOWEL_I,
    "l": _VOWEL_I,
    "i": _VOWEL_I,
    "|": "il" + _VOWEL_I,
    "!": "i" + _VOWEL_I,
    "ı": "i",
    "0": "o",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "@": "a",
    "$": "s",
    "+": "t",
    "€": "e",
    # Cyrillic and Greek letters that look Latin.
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "і": "i",
    "ј": "j",
    "ѕ": "s",
    "к": "k",
    "ԁ": "d",
    "α": "a",
    "ο": "o",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
}
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
_SPACELESS_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # kana
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),  # CJK ideographs
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)


class _Row(NamedTuple):
    """One normalised letter of a text."""

    letter: str
    kind: int
    pos: int  # jamo position: _L, _V, _T, or 0
    alts: str  # letters it may stand for: l for ㅣ, 5 for s
    wild: bool  # may stand for any Latin letter (f*ck)
    compat: int  # _COMPAT when typed as a standalone jamo (ㅆㅣ발)
    gap: int  # the gap flag it sets when skipped between two letters
    group_start: bool


def _is_spaceless(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _SPACELESS_RANGES)


@lru_cache(maxsize=8192)
def _pieces(char: str) -> tuple[_Row, ...]:
    """The normalised letters one character of text contributes."""
    if not remove_default_ignorables(char):
        return ()
    code = ord(char)
    compat = 0 if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF else _COMPAT
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    rows: list[_Row] = []
    last_pos = 0
    for c in folded:
        o = ord(c)
        category = unicodedata.category(c)
        if category == "Mn":
            continue
        if 0x1100 <= o <= 0x11FF or 0xA960 <= o <= 0xA97F or 0xD7B0 <= o <= 0xD7FF:
            for letter, pos in _jamo_letters(c):
                starts = not (rows and _continues_syllable(last_pos, pos))
                rows.append(_Row(letter, _HANGUL, pos, "", False, compat, 0, starts))
                last_pos = pos
            continue
        last_pos = 0
        alts = _LOOKALIKES.get(c, "")
        if c.isspace():
            rows.append(_Row("", _SPACE, 0, "", False, 0, _SPACE_GAP, True))
        elif category[0] == "L" or category == "Mc":
            kind = _SPACELESS if _is_spaceless(c) else _LETTER
            rows.append(_Row(c, kind, 0, alts, False, 0, 0, True))
        elif category == "Nd":
            rows.append(_Row(c, _DIGIT, 0, alts, False, 0, _HARD_GAP, True))
        elif c in _SOFT_MARKS:
            rows.append(_Row(c, _SOFT, 0, alts, False, 0, _SOFT_GAP, True))
        else:
            rows.append(_Row(c, _HARD, 0, alts, c == _WILDCARD, 0, _HARD_GAP, True))
    return tuple(rows)


@cache
def _jamo_letters(jamo: str) -> tuple[tuple[str, int], ...]:
    """A conjoining jamo as letters with their position; consonants, final ones and clusters
    included, are spelled with basic initials (ㄺ: ㄹㄱ) so that 발 and 바ㄹ have the same letters.
    """
    kind, _, sound = unicodedata.name(jamo, "").removeprefix("HANGUL ").partition(" ")
    if kind == "JUNGSEONG":
        return ((jamo, _V),)
    if kind not in ("CHOSEONG", "JONGSEONG"):
        return ((jamo, 0),)
    pos = _L if kind == "CHOSEONG" else _T
    try:
        initials = [unicodedata.lookup(f"HANGUL CHOSEONG {part}") for part in sound.split("-")]
    except KeyError:
        return ((jamo, pos),)
    if all("\u1100" <= initial <= "\u1112" for initial in initials):
        return tuple((initial, pos) for initial in initials)
    return ((jamo, pos),)


def _continues_syllable(last_pos: int, pos: int) -> bool:
    return (pos == _V and last_pos == _L) or (pos == _T and last_pos in (_V, _T))


class _Units:
    """The normalised letters of a text, each with the offset of the character it came from.

    Letters come in groups: one syllable, or one standalone jamo, letter or mark. Matches start and
    end on group edges, so 시바라 never contains 시발.
    """

    __slots__ = (
        "alts",
        "compat",
        "gap",
        "group_start",
        "has_hangul",
        "has_typed_jamo",
        "kind",
        "letter",
        "pos",
        "start",
        "wild",
    )

    def __init__(self, text: str) -> None:
        rows: list[_Row] = []
        starts: list[int] = []
        self.has_typed_jamo = False
        for index, char in enumerate(text):
            pieces = _pieces(char)
            if not pieces:
                continue
            if 0x1100 <= ord(char) <= 0x11FF:
                # Conjoining jamo (decomposed text) join the syllable before them.
                self.has_typed_jamo = True
                first = pieces[0]
                if (
                    rows
                    and rows[-1].kind == _HANGUL
                    and _continues_syllable(rows[-1].pos, first.pos)
                ):
                    pieces = (first._replace(group_start=False), *pieces[1:])
            elif pieces[0].compat:
                self.has_typed_jamo = True
            rows.extend(pieces)
            starts.extend([index] * len(pieces))
        columns: list[list[Any]] = [list(column) for column in zip(*rows, strict=True)]
        if not columns:
            columns = [[] for _ in _Row._fields]
        self.letter: list[str] = columns[0]
        self.kind: list[int] = columns[1]
        self.pos: list[int] = columns[2]
        self.alts: list[str] = columns[3]
        self.wild: list[bool] = columns[4]
        self.compat: list[int] = columns[5]
        self.gap: list[int] = columns[6]
        self.group_start: list[bool] = columns[7]
        self.start = starts
        self.has_hangul = _HANGUL in self.kind

    def __len__(self) -> int:
        return len(self.letter)

    def end(self, u: int) -> int:
        return self.start[u] + 1

    def ends_group(self, u: int) -> bool:
        return u + 1 >= len(self.group_start) or self.group_start[u + 1]

    def glues_spaceless(self, u: int) -> bool:
        """Whether unit ``u`` would make a Korean match part of a longer word."""
        if u < 0 or u >= len(self.kind):
            return False
        kind = self.kind[u]
        return (kind == _HANGUL and not self.compat[u]) or kind == _SPACELESS

    def glues_word(self, u: int, digit_edge: bool) -> bool:
        """Whether unit ``u`` would make a whole-word match part of a longer word."""
        if u < 0 or u >= len(self.kind):
            return False
        kind = self.kind[u]
        return kind == _LETTER or (digit_edge and kind == _DIGIT)

    def spelled_out(self, u: int) -> bool:
        """Whether unit ``u`` is a letter standing alone between spaces (or the text's ends)."""
        kind, n = self.kind, len(self.kind)
        return (
            0 <= u < n
            and kind[u] == _LETTER
            and (u == 0 or kind[u - 1] == _SPACE)
            and (u + 1 == n or kind[u + 1] == _SPACE)
        )

    def sound_letters(self) -> list[str]:
        return list(map(_SOUND_ALIKE.get, self.letter, self.letter))

    def stretched(self, letters: list[str], i: int) -> bool:
        """Whether units ``i`` and ``i + 1`` only stretch the vowel before them (씨이발, 바알)."""
        pos = self.pos
        return (
            0 < i < len(letters) - 1
            and letters[i] == _IEUNG
            and pos[i] == _L
            and pos[i - 1] == _V
            and pos[i + 1] == _V
            and letters[i + 1] == letters[i - 1]
        )

    def keys(self, letters: list[str], *, sound: bool = False) -> tuple[str, ...]:
        """A term's trie path: its letters; a run of spaces or punctuation is one optional space."""
        keys: list[str] = []
        i = 0
        while i < len(letters):
            if sound and self.stretched(letters, i):
                i += 2
                continue
            if self.gap[i] in (_SPACE_GAP, _SOFT_GAP):
                if keys and keys[-1] != " ":
                    keys.append(" ")
            else:
                keys.append(letters[i])
            i += 1
        while keys and keys[-1] == " ":
            keys.pop()
        return tuple(keys)


@dataclass(frozen=True, slots=True)
class _Entry:
    term: str
    severity: float
    allowed: bool
    sound: bool
    open_start: bool
    open_end: bool


_COMMENT_RE = re.compile(r"\s+#.*$")
_LEVEL_RE = re.compile(r"\s*\|\s*(mild|severe)\s*$", re.IGNORECASE)


def _parse_entry(line: str, *, list_syntax: bool) -> _Entry | None:
    line = line.strip()
    if list_syntax:
        if line.startswith("#"):
            return None
        line = _COMMENT_RE.sub("", line)
    allowed = list_syntax and line.startswith("!")
    line = line.removeprefix("!") if allowed else line
    severity = SEVERE
    level = _LEVEL_RE.search(line)
    if level:
        severity = MILD if level.group(1).lower() == "mild" else SEVERE
        line = line[: level.start()]
    sound = line.startswith("~")
    line = line.removeprefix("~")
    open_start, open_end = line.startswith("*"), line.endswith("*")
    term = " ".join(line.strip("*").split())
    if not term:
        return None
    return _Entry(term, severity, allowed, sound, open_start, open_end)


@cache
def _default_entries() -> tuple[_Entry, ...]:
    folder = resources.files("sotong.moderation").joinpath("wordlists")
    entries: list[_Entry] = []
    for name in _DEFAULT_LISTS:
        for line in folder.joinpath(name).read_text(encoding="utf-8").splitlines():
            entry = _parse_entry(line, list_syntax=True)
            if entry is not None:
                entries.append(entry)
    return tuple(entries)


@dataclass(frozen=True, slots=True, eq=False)
class _Term:
    text: str
    severity: float
    wall: bool
    spaceless: bool
    open_start: bool
    open_end: bool
    letters: int
    spaces: int
    digit_start: bool
    digit_end: bool


class _Node:
    __slots__ = ("children", "terms")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terms: list[_Term] = []

    def add(self, keys: tuple[str, ...], term: _Term) -> None:
        node = self
        for key in keys:
            node = node.children.setdefault(key, _Node())
        node.terms.append(term)


# (term, first unit, last unit, flags, gaps, look-alikes)
_Candidate = tuple[_Term, int, int, int, int, int]
_State = tuple[_Node, int, int, int, int]


def _steps(
    node: _Node, letters: list[str], units: _Units, i: int, *, strict: bool, first: bool
) -> list[_State]:
    """The states reached by reading unit ``i`` as the next letter below ``node``."""
    children = node.children
    states: list[_State] = []
    child = children.get(letters[i])
    if child is not None:
        states.append((child, i + 1, units.compat[i], 0, 0))
    if strict:
        return states
    for alt in units.alts[i]:
        child = children.get(alt)
        if child is not None:
            states.append((child, i + 1, _LOOKALIKE, 0, 1))
    if units.wild[i] and not first:
        states.extend(
            (child, i + 1, _LOOKALIKE, 0, 1) for key, child in children.items() if key in _LATIN
        )
    return states


def _search(
    root: _Node, letters: list[str], units: _Units, *, strict: bool = False, sound: bool = False
) -> list[_Candidate]:
    """Every way a term of the trie can be read from the letters, starting on a group edge.

    ``strict`` reads letters only as they are (no gaps, no look-alikes); ``sound`` also reads a
    stretched vowel as one.
    """
    gap, group_start, compat, alts = units.gap, units.group_start, units.compat, units.alts
    n = len(letters)
    found: list[_Candidate] = []
    for s in range(n):
        if not group_start[s]:
            continue
        if alts[s] and not strict:
            stack = _steps(root, letters, units, s, strict=False, first=True)
        else:
            # Most starts fail inside their first syllable, which has no gaps or look-alikes:
            # follow it without the bookkeeping.
            node: _Node | None = root.children.get(letters[s])
            flags = compat[s]
            i = s + 1
            while node is not None and i < n and not group_start[i]:
                node = node.children.get(letters[i])
                flags |= compat[i]
                i += 1
            if node is None:
                continue
            stack = [(node, i, flags, 0, 0)]
        seen: set[_State] = set()
        while stack:
            state = stack.pop()
            if state in seen:
                continue
            seen.add(state)
            node, i, flags, gaps, looks = state
            found.extend((term, s, i - 1, flags, gaps, looks) for term in node.terms)
            space = node.children.get(" ")
            if space is not None:
                stack.append((space, i, flags, gaps, looks))
                j = i
                while j < n and gap[j] and j - i < _MAX_GAP:
                    j += 1
                if j > i:
                    stack.append((space, j, flags, gaps, looks))
            if i >= n:
                continue
            for child, after, flag, _, look in _steps(
                node, letters, units, i, strict=strict, first=False
            ):
                stack.append((child, after, flags | flag, gaps, looks + look))
            if strict:
                continue
            if sound and units.stretched(letters, i):
                stack.append((node, i + 2, flags, gaps, looks))
            gap_flags = 0
            j = i
            while j < n and gap[j] and j - i < _MAX_GAP:
                gap_flags |= gap[j]
                j += 1
                if j < n:
                    for child, after, flag, _, look in _steps(
                        node, letters, units, j, strict=False, first=False
                    ):
                        flags_after = flags | gap_flags | flag
                        stack.append((child, after, flags_after, gaps + 1, looks + look))
    return found


@dataclass(frozen=True, slots=True)
class WordHit:
    """One list entry found in a text."""

    term: str
    found: str
    start: int
    end: int
    how: How
    score: float


_REASON_HOW = {
    "ko": {"exact": "", "spaced": "띄어 쓴 표기", "obfuscated": "변형 표기", "choseong": "초성"},
    "en": {"exact": "", "spaced": "spaced out", "obfuscated": "disguised", "choseong": "initials"},
}


@dataclass(frozen=True, slots=True)
class WordVerdict:
    """What the word rules say about a text: the action, the best hit's score and the hits.

    A passing verdict may still list weak hits (scoring below ``REVIEW_SCORE``).
    """

    action: Action
    score: float
    hits: tuple[WordHit, ...]

    def reason(self, locale: str = "ko") -> str | None:
        """A short moderator-facing reason, or None when the text passes."""
        if self.action == "pass" or not self.hits:
            return None
        top = max(self.hits, key=lambda hit: hit.score)
        english = locale.startswith("en")
        how = _REASON_HOW["en" if english else "ko"][top.how]
        more = len(self.hits) - 1
        if english:
            text = f'blocked word "{top.term}"' + (f" ({how})" if how else "")
            return text + (f" and {more} more" if more else "")
        text = f'금칙어 "{top.term}"' + (f" ({how})" if how else "")
        return text + (f" 외 {more}건" if more else "")


_PASS = WordVerdict("pass", 0.0, ())


def _score(severity: float, penalty: float) -> float:
    return max(0.0, round(severity - penalty, 3))


class WordRules:
    """A wall's compiled word rules. Build once per wall, check many texts."""

    __slots__ = ("_allowed", "_choseong", "_exact", "_sound")

    def __init__(
        self,
        exact: _Node,
        sound: _Node,
        allowed: _Node,
        choseong: list[tuple[tuple[str, ...], _Term]],
    ) -> None:
        self._exact = exact
        self._sound = sound
        self._allowed = allowed
        self._choseong = choseong

    @classmethod
    def build(
        cls,
        blocked: Iterable[str] = (),
        allowed: Iterable[str] = (),
        *,
        defaults: bool = True,
    ) -> WordRules:
        """Compile the bundled lists (unless ``defaults`` is false) and a wall's own entries.

        A wall's entries use the list format without the leading ``!``: its allowed entries are
        given separately. Entries without any letter, digit or symbol are ignored.
        """
        entries: list[tuple[_Entry, bool]] = []
        if defaults:
            entries += [(entry, False) for entry in _default_entries()]
        for line in _strings(blocked, "blocked"):
            entry = _parse_entry(line, list_syntax=False)
            if entry is not None:
                entries.append((entry, True))
        for line in _strings(allowed, "allowed"):
            entry = _parse_entry(line, list_syntax=False)
            if entry is not None:
                entries.append((replace(entry, allowed=True, sound=False), True))
        exact, sound, allow = _Node(), _Node(), _Node()
        choseong: list[tuple[tuple[str, ...], _Term]] = []
        for entry, wall in entries:
            units = _Units(entry.term)
            keys = units.keys(units.letter)
            if not keys:
                continue
            term = _make_term(entry, wall, units, keys)
            if entry.allowed:
                allow.add(keys, term)
            elif _is_choseong(units):
                choseong.append((keys, term))
            else:
                exact.add(keys, term)
                if entry.sound:
                    sound.add(units.keys(units.sound_letters(), sound=True), term)
        choseong.sort(key=lambda item: -len(item[0]))
        return cls(exact, sound, allow, choseong)

    def check(self, text: str) -> WordVerdict:
        """Score ``text``: pass, review (the moderation queue) or block."""
        if not text:
            return _PASS
        units = _Units(text)
        candidates = _search(self._exact, units.letter, units)
        found = [self._judge(candidate, units, text) for candidate in candidates]
        if self._sound.children and units.has_hangul:
            candidates = _search(self._sound, units.sound_letters(), units, sound=True)
            found += [self._judge(candidate, units, text, _VARIANT) for candidate in candidates]
        if self._choseong and units.has_typed_jamo:
            found += self._choseong_hits(units, text)
        hits = [hit for hit in found if hit is not None]
        if not hits:
            return _PASS
        return _verdict(_strongest(self._without_allowed(hits, units)))

    def _judge(
        self, candidate: _Candidate, units: _Units, text: str, extra: int = 0
    ) -> tuple[WordHit, _Term] | None:
        term, u_first, u_last, flags, gaps, looks = candidate
        flags |= extra
        if not units.ends_group(u_last) or looks * 2 > term.letters:
            return None
        gapped = flags & (_SPACE_GAP | _SOFT_GAP | _HARD_GAP)
        inside = False
        if term.spaceless:
            left = units.glues_spaceless(u_first - 1)
            right = units.glues_spaceless(u_last + 1)
            if flags & _SPACE_GAP or (flags & _SOFT_GAP and not flags & _HARD_GAP):
                # Whitespace splits words: 씨 발 counts only when it is not part of the words
                # around it, as in 수박씨 발라먹자.
                if left or (right and not text.startswith(_SPACED_SUFFIXES, units.end(u_last))):
                    return None
            elif left and right and not gapped:
                inside = True
        else:
            left = units.glues_word(u_first - 1, term.digit_start)
            right = units.glues_word(u_last + 1, term.digit_end)
            if gapped:
                if left or right:
                    return None
                if flags & _SPACE_GAP and not _letter_spaced(term, units, u_first, u_last, gaps):
                    return None
            elif (left and not term.open_start) or (right and not term.open_end):
                return None
        penalty = _DISGUISE_PENALTY * sum(1 for disguise in _DISGUISES if flags & disguise)
        if inside:
            penalty += _INSIDE_WORD_PENALTY
        how: How = "obfuscated" if flags & ~_SPACE_GAP else "spaced" if flags else "exact"
        start, end = units.start[u_first], units.end(u_last)
        hit = WordHit(term.text, text[start:end], start, end, how, _score(term.severity, penalty))
        return hit, term

    def _choseong_hits(self, units: _Units, text: str) -> list[tuple[WordHit, _Term] | None]:
        hits: list[tuple[WordHit, _Term] | None] = []
        for run in _consonant_runs(units):
            letters = [units.letter[u] for u in run]
            run_hits: list[tuple[WordHit, _Term] | None] = []
            p = 0
            while p < len(run):
                for keys, term in self._choseong:
                    if tuple(letters[p : p + len(keys)]) == keys:
                        start, end = units.start[run[p]], units.end(run[p + len(keys) - 1])
                        score = _score(term.severity, _CHOSEONG_PENALTY)
                        hit = WordHit(term.text, text[start:end], start, end, "choseong", score)
                        run_hits.append((hit, term))
                        p += len(keys)
                        break
                else:
                    if letters[p] not in _LAUGHTER:
                        # Other consonants around: an abbreviation we do not know, not ㅅㅂ.
                        run_hits = []
                        break
                    p += 1
            hits += run_hits
        return hits

    def _without_allowed(self, hits: list[tuple[WordHit, _Term]], units: _Units) -> list[WordHit]:
        every: list[tuple[int, int]] = []
        walls: list[tuple[int, int]] = []
        for term, first, last, *_ in _search(self._allowed, units.letter, units, strict=True):
            if units.ends_group(last) and (term.spaceless or _whole_word(term, units, first, last)):
                span = (units.start[first], units.end(last))
                every.append(span)
                if term.wall:
                    walls.append(span)
        if not every:
            return [hit for hit, _ in hits]
        by_any, by_wall = _Spans(every), _Spans(walls)
        return [
            hit
            for hit, term in hits
            if not (by_wall if term.wall else by_any).overlaps(hit.start, hit.end)
        ]


class _Spans:
    """A union of spans of text, asked about overlaps in logarithmic time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            if self._ends and start <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end) - 1
        return i >= 0 and self._ends[i] > start


def _whole_word(term: _Term, units: _Units, first: int, last: int) -> bool:
    return not (
        (units.glues_word(first - 1, term.digit_start) and not term.open_start)
        or (units.glues_word(last + 1, term.digit_end) and not term.open_end)
    )


def _letter_spaced(term: _Term, units: _Units, first: int, last: int, gaps: int) -> bool:
    """Whether a match with spaces in it is a word spelled out letter by letter, f u c k, and not
    a piece of a longer one (a s s i s t)."""
    if gaps != term.letters - 1 - term.spaces:
        return False
    return not (
        (units.spelled_out(first - 2) and not term.open_start)
        or (units.spelled_out(last + 2) and not term.open_end)
    )


def _strings(values: Iterable[str], what: str) -> Iterator[str]:
    # A bare str is an Iterable[str] too; iterating it per character would silently mismatch.
    if isinstance(values, str):
        raise TypeError(f"{what} must be an iterable of entries, not a single str")
    yield from values


def _make_term(entry: _Entry, wall: bool, units: _Units, keys: tuple[str, ...]) -> _Term:
    spaceless = any(kind in (_HANGUL, _SPACELESS) for kind in units.kind)
    return _Term(
        text=entry.term,
        severity=entry.severity,
        wall=wall,
        spaceless=spaceless,
        open_start=entry.open_start,
        open_end=entry.open_end,
        letters=sum(1 for key in keys if key != " "),
        spaces=keys.count(" "),
        digit_start=unicodedata.category(keys[0]) == "Nd",
        digit_end=unicodedata.category(keys[-1]) == "Nd",
    )


def _is_choseong(units: _Units) -> bool:
    return all(
        kind == _HANGUL and pos != _V for kind, pos in zip(units.kind, units.pos, strict=True)
    )


def _consonant_runs(units: _Units) -> Iterator[list[int]]:
    """Runs of consonants typed on their own (ㅅㅂ, ㅋㅋ), never taken from syllables."""
    kind, pos, compat, group_start = units.kind, units.pos, units.compat, units.group_start
    n = len(kind)
    run: list[int] = []
    for u in range(n):
        if kind[u] == _HANGUL and pos[u] != _V:
            lone = group_start[u] and (u + 1 == n or group_start[u + 1])
            if compat[u] or lone:
                run.append(u)
                continue
        if run:
            if kind[u] == _HANGUL and pos[u] == _V:
                # ㅅㅂㅏ: the last consonant spells a syllable with the vowel after it.
                run.pop()
            if run:
                yield run
            run = []
    if run:
        yield run


def _strongest(hits: list[WordHit]) -> list[WordHit]:
    """One hit per span and term, without hits inside a stronger (or as strong and longer) one."""
    best: dict[tuple[str, int, int], WordHit] = {}
    for hit in hits:
        key = (hit.term, hit.start, hit.end)
        if key not in best or hit.score > best[key].score:
            best[key] = hit
    if not best:
        return []
    ordered = sorted(best.values(), key=lambda hit: (hit.start, -hit.end))
    starts = [hit.start for hit in ordered]
    longest = max(hit.end - hit.start for hit in ordered)
    kept: list[WordHit] = []
    for hit in ordered:
        # Only hits starting at most `longest` before this one's end can contain it.
        around = ordered[bisect_left(starts, hit.end - longest) : bisect_right(starts, hit.start)]
        if not any(
            other.end >= hit.end and _rank(other) < _rank(hit)
            for other in around
            if other is not hit
        ):
            kept.append(hit)
    return kept


def _rank(hit: WordHit) -> tuple[float, int, int, str]:
    return (-hit.score, hit.start - hit.end, hit.start, hit.term)


def _verdict(hits: list[WordHit]) -> WordVerdict:
    if not hits:
        return _PASS
    score = max(hit.score for hit in hits)
    if any(hit.how == "exact" and hit.score >= SEVERE for hit in hits):
        action: Action = "block"
    elif score >= REVIEW_SCORE:
        action = "review"
    else:
        action = "pass"
    return WordVerdict(action, score, tuple(hits))
