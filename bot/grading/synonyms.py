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

__all__ = ["GROUPS", "OPPOSITES", "group_of", "opposites_of"]

# One group a line. Chosen from general usage, not from any graded item.
_TABLE = """
create make made build built generate construct produce establish
store save keep kept retain preserve maintain
delete remove erase wipe
fast quick rapid speedy
faster quicker
mistake error
problem issue
show shown display
retrieve fetch obtain get got gotten
start begin began begun launch initiate
stop halt terminate
big large huge enormous massive
bigger larger greater
small little tiny
smaller less lesser
change modify alter edit adjust tweak
use utilize utilise employ
need require necessary mandatory
allow let permit enable
check verify confirm
send sent transmit
find found locate search
contain include hold held
run ran execute
call invoke
add insert
split divide partition
increase grow grew grown rise rose expand
decrease reduce shrink shrank shrunk
copy duplicate
convert translate transform
happen occur arise arose arisen
often frequently
usually typically generally
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
function fn fns func
connection conn
parameter param params
argument arg args
database db
authentication auth authn
string str
dictionary dict
configuration config cfg
environment env
repository repo
message msg
variable var
primary pk
foreign fk
request req
response resp
context ctx
different diff
implementation impl
reference ref
object obj
attribute attr
directory dir folder
temporary temp tmp
template tmpl tpl
documentation docs
specification spec
administrator admin
development dev
production prod
package pkg
library lib
slow sluggish
easy straightforward
complex complicated intricate
biggest largest
expensive costly expense
fix repair
replace substitute
improve enhance boost
worsen degrade deteriorate
respond reply
help assist aid
depend rely
decide determine
ignore disregard
exclude omit
prohibit forbid forbade forbidden disallow
reject refuse
protect safeguard defend shield
reveal disclose
bypass circumvent
collect gather
fill populate
detect discover
examine inspect
traverse walk
raise throw threw thrown
remain stay
arrive reach
restore recover
resend retransmit
bug defect flaw
advantage benefit
drawback disadvantage downside
risk risky danger
malicious harmful
result outcome
reason cause
effect impact affect
approach technique
amount quantity
attacker adversary hacker
possible feasible
basic fundamental
extra additional
enough sufficient adequate
outdated obsolete stale
latest newest
legitimate genuine
forge fake counterfeit
missing absent
sometimes occasionally
immediately instantly
approximately roughly
vertex vertices node
element item
middle center centre
behavior behaviour
optimize optimise
serialize serialise
normalize normalise
analyze analyse analysis
sanitize sanitise
authorize authorise
neighbor neighbour
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


# Opposites that technical answers swap ("HAVING filters *before* grouping", "a *301* by default", "*args collects
# *keyword* arguments"): when a key point's word is absent where the response states the point, and its opposite is
# there instead, the response contradicts the point. General technical pairs, not chosen from any graded item.
_OPPOSITES = """
before after
first last
left right
client server
sync async
synchronous asynchronous
wsgi asgi
positional keyword
primary foreign
permanent temporary
mutable immutable
include exclude
more less
fast slow
faster slower
increase decrease
public private
true false
enable disable
allow deny
accept reject
push pull
read write
input output
static dynamic
explicit implicit
lazy eager
shallow deep
lifo fifo
tcp udp
encrypted signed
{{ {%
"""

OPPOSITES: tuple[tuple[str, str], ...] = tuple(
    (a, b) for a, b in (line.split() for line in _OPPOSITES.strip().splitlines())
)


@cache
def _opposite_keys() -> dict[str, frozenset[str]]:
    """Matching key → the keys of its opposites."""
    table: dict[str, set[str]] = {}
    for a, b in OPPOSITES:
        ka, kb = key_of(a)[1], key_of(b)[1]
        table.setdefault(ka, set()).add(kb)
        table.setdefault(kb, set()).add(ka)
    return {k: frozenset(v) for k, v in table.items()}


def opposites_of(key: str) -> frozenset[str]:
    """The matching keys of the words opposite to ``key`` (empty outside the table)."""
    return _opposite_keys().get(key, frozenset())
