"""A small hand-curated table of near-synonyms that count as the same word when matching key points.

What qualifies: general English words that technical answers use interchangeably (``create``/``build``,
``delete``/``remove``, ``fast``/``quick``). What never qualifies: pairs that a technical course tells apart,
even when everyday English does not (list/tuple, GET/POST, mutable/immutable, stack/queue, TCP/UDP,
append/insert, DROP/DELETE, ALTER/UPDATE, avoid/prevent for deadlocks, verify/validate, equal/identical,
pointer/reference, full/complete trees, function/method, error/exception). Single words only; irregular
forms are listed (regular inflections meet through the stemmer). A word belongs to at most one group.

Matching stays one-directional and exact: a response word that is a synonym of a word of the question's
material (key points, model answer) counts as that word, unless the material itself uses the response's
word (then the two are being told apart, or both are written out). Typo tolerance applies to the material's
own words only, never through a synonym.
"""

from __future__ import annotations

from functools import cache

from bot.grading.normalize import key_of

__all__ = ["GROUPS", "group_of"]

# One group a line. Chosen from general usage, not from any graded item.
_TABLE = """
create make made build built generate construct produce
store save keep kept retain
delete remove erase
fast quick rapid speedy
faster quicker
mistake error
problem issue
show shown display
retrieve fetch obtain get got
start begin began begun launch initiate
stop halt terminate
big large huge
bigger larger
small little tiny
change modify alter edit
use utilize utilise employ
need require
allow let permit enable
check verify confirm
send sent transmit
find found locate
contain include hold held
run ran execute
call invoke
add insert
split divide
increase grow grew grown rise rose
decrease reduce shrink
copy duplicate
convert translate transform
happen occur
often frequently
usually typically
multiple several
each every
whole entire
wrong incorrect
goal purpose aim
part piece portion
choose chose chosen pick
provide supply give gave given
hide hid hidden conceal
limit restrict
separate isolate
compute calculate
iterate loop
release free deallocate
guarantee ensure
move travel
identify recognize recognise
previous prior preceding
tell inform
"""

GROUPS: tuple[tuple[str, ...], ...] = tuple(tuple(line.split()) for line in _TABLE.strip().splitlines())


@cache
def _key_groups() -> dict[str, frozenset[str]]:
    """Matching key → the keys of its group (itself included)."""
    table: dict[str, frozenset[str]] = {}
    for words in GROUPS:
        keys = frozenset(key_of(w)[1] for w in words)
        for key in keys:
            table[key] = keys
    return table


def group_of(key: str) -> frozenset[str]:
    """The matching keys that count as ``key`` (``key`` itself included; just ``{key}`` outside the table)."""
    return _key_groups().get(key, frozenset((key,)))
