"""Did-you-mean, with rapidfuzz: close names for a misspelt name, close phrases for text no
phrase matches, and never an unrelated suggestion.

Names are compared word by word, each word weighted by how rare it is among the known names: in
"Azure Cloud", "Azure" is what names the thing and "Cloud" is shared by several providers, so the
suggestion is Azure (Microsoft Azure), not Google Cloud. A one-word name is also compared as a
whole, so that short typos ("AWZ", "Oracel") find their name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from engine.words.text import name_key, tokens

_HOLE = re.compile(r"\{[^}]*\}")

STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "for",
        "from",
        "with",
        "on",
        "in",
        "into",
        "by",
        "at",
        "its",
        "their",
        "his",
        "her",
        "our",
        "and",
        "or",
        "then",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "will",
        "has",
        "have",
        "had",
        "it",
        "this",
        "that",
        # modals and pronouns say nothing about which move is meant ("should" is not "hold")
        "should",
        "would",
        "could",
        "can",
        "may",
        "might",
        "must",
        "shall",
        "we",
        "you",
        "they",
        "i",
        "he",
        "she",
        "us",
        "them",
    ]
)
TYPO_RATIO = 85  # "partenr" finds "partner"; "should" does not find "hold"


def close_names(raw: str, names: Mapping[str, Sequence[str]], limit: int = 2) -> list[str]:
    """Ids of the known things whose names are closest to `raw`, best first.
    `names` maps an id to all its names (name, aliases, id)."""
    from rapidfuzz import fuzz

    wanted = [t for t in tokens(name_key(raw)) if t not in STOP]
    if not wanted:
        return []
    per_thing = {
        thing: {t for n in spelled for t in tokens(name_key(n))} for thing, spelled in names.items()
    }
    frequency: Counter[str] = Counter(t for ts in per_thing.values() for t in ts)
    scores: dict[str, float] = {}
    whole = name_key(raw)
    for thing, spelled in names.items():
        best = 0.0
        for name in spelled:
            key = name_key(name)
            name_tokens = tokens(key)
            matched = total = 0.0
            for token in wanted:
                close = _best(token, name_tokens)
                similar = bool(close) and fuzz.ratio(token, close) >= 80
                # a word many things share ("cloud") says little about which one is meant
                common = frequency[close] if similar else frequency[token]
                weight = 1 / common if common else 1.0
                total += weight
                matched += weight if similar else 0.0
            score = 100 * matched / total if total else 0.0
            limit_whole = 65 if len(wanted) == 1 else 85
            ratio = fuzz.ratio(whole, key)
            if ratio >= limit_whole:
                score = max(score, ratio)
            best = max(best, score)
        if best >= 60:
            scores[thing] = best
    return sorted(scores, key=lambda t: (-scores[t], t))[:limit]


def misspelt(raw: str, names: Mapping[str, Sequence[str]]) -> str | None:
    """The known thing `raw` is almost certainly a typo of ("Windsrf"), or None. Stricter than
    `close_names`: a new name is accepted unless it is this close to a known one."""
    return Spellings(names).misspelt(raw)


class Spellings:
    """Known names keyed once (per contract), so that telling a new name from a typo of a known
    one is one pass of rapidfuzz over the keys, not a normalising of every name per sentence."""

    def __init__(self, names: Mapping[str, Sequence[str]]) -> None:
        self._keys = [name_key(n) for spelled in names.values() for n in spelled]
        self._things = [thing for thing, spelled in names.items() for _ in spelled]
        self._lengths = sorted({len(k) for k in self._keys})
        self._near: dict[int, bool] = {}  # a length -> whether some known name is near it

    def misspelt(self, raw: str) -> str | None:
        """As `misspelt`: the best (ratio, id) of those at least 85 alike, the greater id on a tie."""
        key = name_key(raw)
        if len(key) < 4 or not self._near_in_length(len(key)):
            return None
        from rapidfuzz import fuzz, process

        close = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=85, limit=None)
        best = max(((score, self._things[i]) for _, score, i in close), default=None)
        return best[1] if best is not None else None

    def _near_in_length(self, length: int) -> bool:
        """Whether some known name is of a length that allows a ratio of 85: the ratio of two
        words is at most 100 * (1 - the difference of their lengths / the sum), so a name much
        longer or shorter than every known one ("Windsurf for $3B") is no typo of any."""
        near = self._near.get(length)
        if near is None:
            near = self._near[length] = any(
                100 * (1 - abs(length - n) / (length + n)) >= 84.9 for n in self._lengths
            )
        return near


def close_phrases(
    text: str,
    phrases: Mapping[str, Sequence[str]],
    lemma: dict[str, str],
    limit: int = 3,
    ignore: frozenset[str] = frozenset(),
) -> list[str]:
    """Phrases sharing a content word with `text` (verbs by lemma, or a close misspelling of
    one), best first; at most `limit`; none when no content word is shared. Words in `ignore`
    (the parties' names: who makes a move says nothing about which move) are not content."""
    from rapidfuzz import fuzz

    def content(words: str) -> set[str]:
        plain = _HOLE.sub(" ", words)
        return {lemma.get(t, t) for t in tokens(plain) if t not in STOP}

    typed = {t for t in content(text) if t not in ignore and t.rstrip("'s") not in ignore}
    if not typed:
        return []
    frequency: Counter[str] = Counter(
        w for words in phrases.values() for w in content(" ".join(words))
    )
    scores: dict[str, float] = {}
    for phrase, known in phrases.items():
        words = content(" ".join(known))
        shared = 0.0
        for t in typed:
            best = _best(t, words)
            if best and (
                best == t or (min(len(t), len(best)) >= 4 and fuzz.ratio(t, best) >= TYPO_RATIO)
            ):
                shared += 1 / frequency[best]
        if shared:
            similarity = max(fuzz.token_set_ratio(text.lower(), k.lower()) for k in known)
            scores[phrase] = shared * 100 + similarity
    return sorted(scores, key=lambda p: (-scores[p], p))[:limit]


def _best(word: str, candidates: Iterable[str]) -> str:
    """The candidate closest to `word` in spelling ("" when there is none)."""
    from rapidfuzz import fuzz

    scored = sorted(candidates, key=lambda c: (-fuzz.ratio(word, c), c))
    return scored[0] if scored else ""
