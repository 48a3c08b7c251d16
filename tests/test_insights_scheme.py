"""The insights' publication scheme, checked by brute force: from what one reading shows, or
from readings before and after one person's save, no count under 5 can be worked out, and the
person's answers cannot be told.

The attacker knows the scheme and the published numbers, and that every dimension's true counts
add up to the total counted; the brute force lists every table of true counts that agrees with
what was published and looks at what all of them have in common.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import db

FIXED = db.FIXED_VALUES
ORIGINS = ["advisor", "api", "https://a.example", "https://b.example", "https://c.example"]
WEEKS = ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
OPEN = {"origin": ORIGINS, "week": WEEKS}
DIMENSION_IDS = [*FIXED, *OPEN]

record = st.fixed_dictionaries(
    {name: st.sampled_from(values) for name, values in {**FIXED, **OPEN}.items()}
)
# Skewed answers: most people alike, as in real use, so small cells are common.
skewed = st.fixed_dictionaries(
    {
        name: st.sampled_from(values[:2]) | st.sampled_from(values)
        for name, values in {**FIXED, **OPEN}.items()
    }
)
records = st.lists(st.one_of(record, skewed), min_size=0, max_size=44)


def counts_of(rows: list[dict[str, str]]) -> dict[str, dict[str, int]]:
    return {d: dict(Counter(row[d] for row in rows)) for d in DIMENSION_IDS}


def publication(rows: list[dict[str, str]]) -> db.Insights:
    """What the insights show when these results are saved, oldest first (as db.insights)."""
    total = db.counted(len(rows))
    return db.publish(total, counts_of(rows[:total]))


def ranges(dimension: db.Dimension) -> dict[str, range]:
    """Each listed value's possible true counts, from its published cell."""
    return {
        cell.value: range(0 if cell.count is None else cell.count, cell.at_most + 1)
        for cell in dimension.cells
    }


def dimension_of(data: db.Insights, dimension_id: str) -> db.Dimension:
    """A dimension as published; while nothing is counted, one that shows nothing."""
    found = [d for d in data.dimensions if d.id == dimension_id]
    return found[0] if found else db.Dimension(id=dimension_id, label="", cells=[], withheld=True)


def tables(published: dict[str, range], total: int, names: list[str]) -> Iterator[dict[str, int]]:
    """Every assignment of counts to `names` that fits the published ranges and adds up (the
    last name's count is what the others leave)."""

    def fill(i: int, left: int) -> Iterator[tuple[int, ...]]:
        if i == len(names) - 1:
            if left in published[names[i]]:
                yield (left,)
            return
        for n in published[names[i]]:
            if n > left:
                break
            for rest in fill(i + 1, left - n):
                yield (n, *rest)

    if not names:
        return
    for values in fill(0, total):
        yield dict(zip(names, values, strict=True))


# ---------------------------------------------------------------------------------------------
# One reading


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(records)
def test_no_small_cell_can_be_worked_out_from_one_reading(rows):
    data = publication(rows)
    total = data.total or 0
    true = counts_of(rows[:total])
    for dimension in data.dimensions:
        if dimension.withheld:
            continue
        published = ranges(dimension)
        names = list(published)
        possible: dict[str, set[int]] = {name: set() for name in names}
        for table in tables(published, total, names):
            for name, n in table.items():
                possible[name].add(n)
        if dimension.id in FIXED:
            truth = {name: true[dimension.id].get(name, 0) for name in names}
        else:
            truth = {name: true[dimension.id].get(name, 0) for name in names if name != db.OTHER}
            if db.OTHER in names:
                unlisted = (n for value, n in true[dimension.id].items() if value not in names)
                truth[db.OTHER] = sum(unlisted)
        for name, n in truth.items():
            assert n in possible[name], (dimension.id, name)  # the brute force is sound
            if 0 < n < db.STEP:
                assert len(possible[name]) > 1, (dimension.id, name, n, possible[name])


@settings(max_examples=120, deadline=None)
@given(records)
def test_what_is_listed_says_nothing_about_who_answered(rows):
    """Every option is listed, and rare origins and weeks only ever inside 'other'."""
    for dimension in publication(rows).dimensions:
        if dimension.withheld:
            assert dimension.cells == []
            continue
        values = [cell.value for cell in dimension.cells]
        if dimension.id in FIXED:
            assert values == FIXED[dimension.id]
        else:
            assert values[-1] == db.OTHER
            assert all(cell.count is not None for cell in dimension.cells[:-1])


# ---------------------------------------------------------------------------------------------
# Before and after one save


@settings(max_examples=120, deadline=None)
@given(records, record)
def test_one_save_changes_nothing_until_a_whole_step_is_saved(rows, person):
    before, after = publication(rows), publication([*rows, person])
    if (len(rows) + 1) % db.STEP:
        assert after == before


def _named_ranges(data: db.Insights, dimension_id: str, names: list[str]) -> dict[str, range]:
    """Ranges of `names` (open values listed in either reading, and the rest pooled as
    OTHER) as one reading shows them: a value it does not list had fewer than STEP."""
    dimension = dimension_of(data, dimension_id)
    published = ranges(dimension)
    return {name: published.get(name, range(0, db.STEP)) for name in names}


def _person_could_be(
    before: db.Insights, after: db.Insights, dimension_id: str, step: int
) -> set[str]:
    """Every value the newly counted people could hold, over all true tables that fit both
    readings: `step` people were added, one of them the person who saved."""
    first, second = dimension_of(before, dimension_id), dimension_of(after, dimension_id)
    total = before.total or 0
    if dimension_id in FIXED:
        names = FIXED[dimension_id]
        one = {n: r for n, r in ranges(first).items()} if not first.withheld else None
        two = {n: r for n, r in ranges(second).items()} if not second.withheld else None
        free = range(0, total + step + 1)
        one = one or dict.fromkeys(names, free)
        two = two or dict.fromkeys(names, free)
        pools: dict[str, tuple[str, ...]] = {}
    else:
        listed = [c.value for d in (first, second) for c in d.cells if c.value != db.OTHER]
        names = [*dict.fromkeys(listed), db.OTHER]
        free = range(0, total + step + 1)
        one = _named_ranges(before, dimension_id, names) if not first.withheld else None
        two = _named_ranges(after, dimension_id, names) if not second.withheld else None
        one = one or dict.fromkeys(names, free)
        two = two or dict.fromkeys(names, free)
        # A value listed by neither reading's cells but named here is counted in OTHER too.
        pools = {db.OTHER: tuple(n for n in names if n != db.OTHER)}
    if second.withheld:
        return set(names)  # the second reading says nothing: anyone may have been added
    could_be: set[str] = set()
    if first.withheld:
        # Nothing known before: whatever fits the second reading, anyone in it may be new.
        for grown in _open_tables(two, total + step, names, pools, second):
            could_be |= {name for name, n in grown.items() if n}
        return could_be
    splits = [
        split
        for split in itertools.product(range(step + 1), repeat=len(names))
        if sum(split) == step
    ]
    everyone = set(names)
    for table in _open_tables(one, total, names, pools, first):
        for split in splits:
            added = {name for i, name in enumerate(names) if split[i]}
            if added <= could_be:
                continue  # nothing new to learn from this split
            grown = {name: table[name] + split[i] for i, name in enumerate(names)}
            if _fits(grown, two, total + step, pools, second):
                could_be |= added
        if could_be == everyone:
            break  # every value is possible already
    return could_be


def _fits(table, published, total, pools, dimension) -> bool:
    if sum(table.values()) != total:
        return False
    if dimension.withheld:
        return True
    listed = {c.value for c in dimension.cells}
    for name, n in table.items():
        if name == db.OTHER:
            continue
        if name in listed and n not in published[name]:
            return False
        if name not in listed and n >= db.STEP:
            return False
    if db.OTHER in pools or db.OTHER in table:
        other = table.get(db.OTHER, 0) + sum(
            table[n] for n in pools.get(db.OTHER, ()) if n not in listed
        )
        other_range = ranges(dimension).get(db.OTHER)
        if other_range is not None and other not in other_range:
            return False
    return True


def _open_tables(published, total, names, pools, dimension) -> Iterator[dict[str, int]]:
    widest = {name: range(0, total + 1) if name == db.OTHER else published[name] for name in names}
    if not dimension.withheld and not pools:
        yield from tables(published, total, names)
        return
    for table in tables(widest, total, names):
        if _fits(table, published, total, pools, dimension):
            yield table


@pytest.mark.slow
@settings(max_examples=120, deadline=None)
@given(
    # Saved so far: just short of a whole step, so that the next save completes one.
    st.integers(0, 4).flatmap(
        lambda steps: st.lists(
            st.one_of(record, skewed),
            min_size=steps * db.STEP + db.STEP - 1,
            max_size=steps * db.STEP + db.STEP - 1,
        )
    ),
    st.one_of(record, skewed),
)
def test_before_and_after_one_save_the_persons_answers_cannot_be_told(rows, person):
    """The save that completes a step adds STEP people at once: for every question, more than
    one answer among them fits both readings, so the person's own answer is not revealed."""
    before, after = publication(rows), publication([*rows, person])
    assert after.total == (before.total or 0) + db.STEP
    for dimension_id in DIMENSION_IDS:
        could_be = _person_could_be(before, after, dimension_id, db.STEP)
        actual = person[dimension_id]
        listed = {c.value for c in dimension_of(after, dimension_id).cells}
        shown_as = actual if dimension_id in FIXED or actual in listed else db.OTHER
        assert shown_as in could_be or dimension_id in OPEN, (dimension_id, could_be)
        # For an origin or a week, "one of those too rare to list" names no value.
        assert len(could_be) > 1 or could_be == {db.OTHER}, (dimension_id, actual, could_be)
