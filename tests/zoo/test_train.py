"""Training rows: every document exactly once and whole, short ones packed, length-bucketed."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from taxonomy.zoo.train import TrainConfig, doc_batches, lr_at, pack_short

EOS = 0


@given(
    st.lists(st.lists(st.integers(1, 50), min_size=1, max_size=20), min_size=1, max_size=60),
    st.integers(1, 9),
)
def test_every_document_lands_whole_in_exactly_one_row(docs, batch_rows):
    batches = doc_batches(docs, EOS, batch_rows, seq_len=32, pack_to=0)
    rows = [[t for t in row if t >= 0] for b in batches for row in b.tolist()]
    assert len(rows) == len(docs)
    assert all(len(b) <= batch_rows for b in batches)
    # Framing: every row ends with EOS, every other one also starts with it; in between lies
    # a whole document (documents here are shorter than seq_len, so none is cut).
    assert all(r[-1] == EOS for r in rows)
    assert sum(r[0] == EOS for r in rows) == (len(docs) + 1) // 2
    bodies = [r[1:-1] if r[0] == EOS else r[:-1] for r in rows]  # documents hold no EOS
    assert Counter(map(tuple, bodies)) == Counter(map(tuple, docs))
    for b in batches:  # padding only at the end of a row, and only up to the batch's longest row
        for row in b.tolist():
            n = sum(t >= 0 for t in row)
            assert all(t >= 0 for t in row[:n]) and all(t == -1 for t in row[n:])
        assert (b >= 0).sum(axis=1).max() == b.shape[1]
    lengths = [len(r) for r in rows]
    assert lengths == sorted(lengths)  # bucketed: batches hold neighbouring lengths


@given(
    st.lists(st.lists(st.integers(1, 50), min_size=1, max_size=30), min_size=1, max_size=60),
    st.integers(1, 30),
)
def test_short_documents_pack_whole_and_in_order_into_rows_that_fit(docs, pack_to):
    seq_len = 32
    rows = pack_short(docs, EOS, pack_to, seq_len)
    split = [_split(r) for r in rows]
    assert Counter(tuple(p) for ps in split for p in ps) == Counter(map(tuple, docs))
    # A long document keeps a row to itself; short ones share rows, in corpus order.
    assert all(len(ps) == 1 for ps in split if len(ps[0]) >= pack_to)
    short = [ps for ps in split if len(ps[0]) < pack_to]
    assert [p for ps in short for p in ps] == [d for d in docs if len(d) < pack_to]
    short_rows = [r for r in rows if len(_split(r)[0]) < pack_to]
    for i, (ps, row) in enumerate(zip(short, short_rows, strict=True)):
        assert all(len(p) < pack_to for p in ps)
        assert len(ps) == 1 or len(row) <= seq_len - 2  # a join leaves room for the framing
        if i + 1 < len(short):  # closed early only when the next document would not fit
            assert len(row) >= pack_to or len(row) + 1 + len(short[i + 1][0]) > seq_len - 2
    # The batches hold exactly the documents' tokens, framed with EOS and padded with -1.
    batched = doc_batches(docs, EOS, 4, seq_len=seq_len, pack_to=pack_to)
    assert sum(int((b > 0).sum()) for b in batched) == sum(map(len, docs))


def _split(row: list[int]) -> list[list[int]]:
    parts, cur = [], []
    for t in row:
        if t == EOS:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    return [*parts, cur]


def test_learning_rate_warms_up_then_decays_to_the_floor():
    cfg = TrainConfig(steps=1000, lr=1e-3, warmup=100, min_lr_ratio=0.1)
    assert lr_at(0, cfg) == 1e-3 / 100
    assert lr_at(99, cfg) == 1e-3
    assert abs(lr_at(1000, cfg) - 1e-4) < 1e-12
    assert all(lr_at(s, cfg) >= lr_at(s + 1, cfg) for s in range(100, 1000))
