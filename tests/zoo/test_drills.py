"""Induction drills: seeded, within the id pool, and planting the rules they claim."""

from __future__ import annotations

from collections import Counter, defaultdict

from taxonomy.zoo.drills import DrillConfig, drill_rows
from taxonomy.zoo.stats import induction_base_rate

IDS = list(range(5, 805))  # a pool that is not 0..n, as a tokenizer's non-special ids


def test_same_seed_same_rows_other_seed_differs():
    assert drill_rows(IDS, 3) == drill_rows(IDS, 3)
    assert drill_rows(IDS, 3) != drill_rows(IDS, 4)


def test_counts_lengths_and_ids():
    cfg = DrillConfig(n_skip=40, n_copy=60, min_len=20, max_len=30, late_epoch=2, late_skip=5)
    rows = drill_rows(IDS, 0, cfg)
    assert Counter(k for k, _ in rows) == {"skip": 40, "copy": 60}
    assert all(20 <= len(r) <= 30 and set(r) <= set(IDS) for _, r in rows)
    # From the late epoch on, skip rows give way to copy rows; the row count stays.
    assert Counter(k for k, _ in drill_rows(IDS, 1, cfg)) == {"skip": 40, "copy": 60}
    assert Counter(k for k, _ in drill_rows(IDS, 2, cfg)) == {"skip": 5, "copy": 95}


def test_skip_rows_follow_one_fixed_permutation_of_the_token_two_back():
    """Across epochs, what follows a two back is one token per a, and a -> it is a bijection."""
    follow = defaultdict(Counter)
    for seed in range(3):
        for _, r in drill_rows(IDS, seed, DrillConfig(n_skip=300, n_copy=0)):
            for t in range(2, len(r)):
                follow[r[t - 2]][r[t]] += 1
    top = {a: c.most_common(1)[0] for a, c in follow.items()}
    share = sum(n for _, n in top.values()) / sum(c.total() for c in follow.values())
    assert abs(share - 0.8) < 0.02  # noise 0.2; a random id matches pi(a) 1 time in 800
    assert len({b for b, _ in top.values()}) == len(top)  # injective: a permutation


def test_copies_repeat_context_and_indels_break_some_of_them():
    """Copy rows reward induction far above chance; indels lower how often it is right."""
    exact = DrillConfig(n_skip=0, n_copy=300, indel=0.0, p_run=0.0)
    edited = DrillConfig(n_skip=0, n_copy=300, indel=0.3, p_run=0.0)
    r_exact = induction_base_rate([r for _, r in drill_rows(IDS, 0, exact)])
    r_edited = induction_base_rate([r for _, r in drill_rows(IDS, 0, edited)])
    # A random id repeats an earlier one about 1 time in 800 (a chance match is rarely right);
    # copies of 3-12 make 70% of the ids, so most matches are copies and most predict.
    assert r_exact["induction_correct_given_match"] > 0.65
    exact, edited = (r["induction_correct_given_match"] for r in (r_exact, r_edited))
    assert 0.3 < edited < exact - 0.15
    # Skip rows repeat no context: an induction head gains nothing there.
    skip = induction_base_rate([r for _, r in drill_rows(IDS, 0, DrillConfig(n_copy=0))])
    assert skip["induction_correct_given_match"] < 0.05


def test_runs_plant_doubled_ids_that_only_olssons_head_continues():
    """A run A A A holds two doubled ids: after the first the run goes on (A), after the second
    it ends. Without runs a doubled id is a chance event (1 in 800 ids)."""

    def doubled(cfg):
        n = same = 0
        for _, r in drill_rows(IDS, 0, cfg):
            for t in range(2, len(r)):
                if r[t - 2] == r[t - 1]:
                    n, same = n + 1, same + (r[t] == r[t - 1])
        return n, same

    n, same = doubled(DrillConfig(n_skip=0, n_copy=300))
    assert n > 300 and 0.4 < same / n < 0.6
    n_none, _ = doubled(DrillConfig(n_skip=0, n_copy=300, p_run=0.0))
    assert n_none < 0.05 * n
