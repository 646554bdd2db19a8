"""Counts of distinct reports per product-event pair (the 2x2 tables), vectorised with NumPy.

The input is one row per (report, product, event[, stratum]) as integer codes (see
`factorize`); a report that lists the same product-event pair twice counts once. For each
observed pair this gives

- ``n11`` (a): distinct reports naming the product and the event,
- ``n1_`` (a + b): distinct reports naming the product,
- ``n_1`` (a + c): distinct reports naming the event,
- ``total`` (N): distinct reports in the data,
- ``expected`` (E): ``n1_ * n_1 / N`` or, with strata, the sum over strata s of
  ``n1_[s] * n_1[s] / N[s]`` (DuMouchel 1999; openEBGM ``processRaw(stratify=TRUE)``, which
  also counts unique ids within each stratum).

PRR, ROR, chi-square and the plain (unstratified) 2x2 table ignore strata, as in openEBGM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["PairCounts", "count_pairs", "factorize", "sorted_unique"]


def sorted_unique(values: np.ndarray, *, return_inverse: bool = False, return_counts: bool = False):
    """np.unique by sorting (NumPy 2.x's hash-based unique is far slower on large int arrays)."""
    values = np.asarray(values)
    if return_inverse:
        order = np.argsort(values, kind="stable")
        ordered = values[order]
    else:
        ordered = np.sort(values, kind="stable")
    if len(ordered) == 0:
        flags = np.zeros(0, dtype=bool)
    else:
        flags = np.empty(len(ordered), dtype=bool)
        flags[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=flags[1:])
    unique = ordered[flags]
    out = [unique]
    if return_inverse:
        inverse = np.empty(len(values), dtype=np.int64)
        inverse[order] = np.cumsum(flags) - 1
        out.append(inverse)
    if return_counts:
        starts = np.flatnonzero(flags)
        out.append(np.diff(np.append(starts, len(ordered))))
    return out[0] if len(out) == 1 else tuple(out)


def factorize(values: Iterable) -> tuple[np.ndarray, list]:
    """Map values to dense int codes in order of first appearance: (codes, labels)."""
    index: dict = {}
    setdefault = index.setdefault
    codes = np.fromiter((setdefault(v, len(index)) for v in values), dtype=np.int64)
    return codes, list(index)


@dataclass
class PairCounts:
    """Counts for every observed product-event pair (arrays aligned on the pair index)."""

    product: np.ndarray  # int codes into product_labels
    event: np.ndarray  # int codes into event_labels
    n11: np.ndarray
    n1_: np.ndarray
    n_1: np.ndarray
    total: int
    expected: np.ndarray
    strata: int = 1
    product_labels: Sequence | None = None
    event_labels: Sequence | None = None

    def __len__(self) -> int:
        return len(self.n11)

    @property
    def table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The 2x2 table (a, b, c, d) of distinct reports, as float64 arrays."""
        a = self.n11.astype(np.float64)
        b = self.n1_ - a
        c = self.n_1 - a
        d = self.total - self.n1_ - self.n_1 + a
        return a, b, c, d

    def labels(self) -> tuple[list, list]:
        products = self.product_labels
        events = self.event_labels
        p = [products[i] for i in self.product] if products is not None else list(self.product)
        e = [events[i] for i in self.event] if events is not None else list(self.event)
        return p, e


def _unique_rows(*columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct rows of int columns (non-negative codes), returned as columns."""
    sizes = [int(c.max()) + 1 if len(c) else 1 for c in columns]
    if float(np.prod([float(s) for s in sizes])) < 2.0**62:
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for column, size in zip(columns, sizes, strict=True):
            key *= size
            key += column
        key = sorted_unique(key)
        out = []
        for size in reversed(sizes):
            out.append(key % size)
            key //= size
        return tuple(reversed(out))
    stacked = np.unique(np.stack(columns, axis=1), axis=0)
    return tuple(stacked[:, i] for i in range(stacked.shape[1]))


def count_pairs(
    report: np.ndarray,
    product: np.ndarray,
    event: np.ndarray,
    stratum: np.ndarray | None = None,
    *,
    product_labels: Sequence | None = None,
    event_labels: Sequence | None = None,
) -> PairCounts:
    """Distinct-report counts and expected counts for each observed product-event pair.

    All arguments are equal-length arrays of non-negative integer codes.
    """
    report = np.asarray(report, dtype=np.int64)
    product = np.asarray(product, dtype=np.int64)
    event = np.asarray(event, dtype=np.int64)
    if not (len(report) == len(product) == len(event)):
        raise ValueError("report, product and event must have the same length")
    if len(report) == 0:
        raise ValueError("no rows to count")
    n_products = int(product.max()) + 1
    n_events = int(event.max()) + 1

    # distinct (report, product, event): the unit of counting
    r, p, e = _unique_rows(report, product, event)
    pair_key = p * n_events + e
    keys, n11 = sorted_unique(pair_key, return_counts=True)
    pair_product = keys // n_events
    pair_event = keys % n_events

    rp = _unique_rows(r, p)[1]
    re_ = _unique_rows(r, e)[1]
    n1_all = np.bincount(rp, minlength=n_products)
    n_1all = np.bincount(re_, minlength=n_events)
    total = len(sorted_unique(report))
    n1_ = n1_all[pair_product]
    n_1 = n_1all[pair_event]

    strata = 1
    if stratum is None:
        expected = n1_.astype(np.float64) * n_1 / total
    else:
        stratum = np.asarray(stratum, dtype=np.int64)
        if len(stratum) != len(report):
            raise ValueError("stratum must have the same length as report")
        strata = int(stratum.max()) + 1
        # unique ids within each stratum, like openEBGM (a stratum is a row attribute)
        _rs_r, rs_s = _unique_rows(report, stratum)
        n_s = np.bincount(rs_s, minlength=strata).astype(np.float64)
        _rps_r, rps_p, rps_s = _unique_rows(report, product, stratum)
        _res_r, res_e, res_s = _unique_rows(report, event, stratum)
        n_ps = np.bincount(rps_p * strata + rps_s, minlength=n_products * strata)
        n_ps = n_ps.reshape(n_products, strata).astype(np.float64)
        n_es = np.bincount(res_e * strata + res_s, minlength=n_events * strata)
        n_es = n_es.reshape(n_events, strata).astype(np.float64)
        expected = np.zeros(len(keys), dtype=np.float64)
        for s in range(strata):
            if n_s[s] == 0:
                continue
            expected += n_ps[pair_product, s] * (n_es[pair_event, s] / n_s[s])
    return PairCounts(
        product=pair_product,
        event=pair_event,
        n11=n11.astype(np.int64),
        n1_=n1_.astype(np.int64),
        n_1=n_1.astype(np.int64),
        total=total,
        expected=expected,
        strata=strata,
        product_labels=product_labels,
        event_labels=event_labels,
    )
