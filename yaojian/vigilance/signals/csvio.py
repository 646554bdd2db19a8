"""Reading the plain input file (id,var1,var2[,strat*]) and writing the result file.

Input: a CSV with a header naming at least ``id``, ``var1`` (product) and ``var2`` (event);
every other column whose name contains ``strat`` is a stratification variable (as openEBGM's
``processRaw``), other columns are ignored. The encoding is UTF-8 (with or without a BOM)
or GBK/GB18030, detected in that order unless given. Every problem is reported with its line
number (the header is line 1) and nothing is written.

Output: one row per product-event pair, ordered by product then event, with the columns of
`engine.COLUMNS`; numbers with 12 significant digits, ``Inf`` for an infinite value and
``NA`` for an undefined one (how R and most tools write them).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from yaojian.vigilance.signals.counts import PairCounts, count_pairs, factorize

__all__ = ["InputError", "RawTable", "read_table", "write_results"]

REQUIRED = ("id", "var1", "var2")
ENCODINGS = ("utf-8-sig", "gb18030")
MAX_ERRORS = 20


class InputError(ValueError):
    """A problem with the input file; ``errors`` lists every problem found (line: reason)."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = errors or [message]


@dataclass
class RawTable:
    report: np.ndarray
    product: np.ndarray
    event: np.ndarray
    stratum: np.ndarray | None
    product_labels: list
    event_labels: list
    strata_columns: list[str] = field(default_factory=list)
    stratum_labels: list = field(default_factory=list)
    rows: int = 0
    encoding: str = ""

    def counts(self, *, stratify: bool = True) -> PairCounts:
        return count_pairs(
            self.report,
            self.product,
            self.event,
            self.stratum if stratify else None,
            product_labels=self.product_labels,
            event_labels=self.event_labels,
        )


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (BOM or not), else GB18030 (a superset of GBK)."""
    if not data.strip():
        raise InputError("the file is empty")
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as error:
            raise InputError(_decode_message(data, encoding, error)) from None
    first_error = None
    for candidate in ENCODINGS:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as error:
            first_error = first_error or error
    raise InputError(_decode_message(data, "UTF-8 or GBK", first_error))


def _decode_message(data: bytes, encoding: str, error) -> str:
    if isinstance(error, UnicodeDecodeError):
        line = data[: error.start].count(b"\n") + 1
        return (
            f"line {line}: the file is not valid {encoding} text (byte {error.start}: "
            f"{data[error.start : error.start + 1]!r}); save it as UTF-8 or GBK"
        )
    return f"unknown encoding {encoding!r}"


def read_table(source: str | Path | bytes, *, encoding: str | None = None) -> RawTable:
    """Parse and validate the whole file; raise InputError listing the problems."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    text, used = decode(data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("the file is empty") from None
    except csv.Error as error:
        raise InputError(f"line 1: {error}") from None
    header = [h.strip() for h in header]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InputError(
            f"line 1: missing column(s) {', '.join(missing)}; the header must name "
            f"id, var1, var2 (and optional strat* columns), found: {', '.join(header) or '-'}"
        )
    duplicated = sorted({h for h in header if header.count(h) > 1 and h})
    if duplicated:
        raise InputError(f"line 1: duplicated column(s) {', '.join(duplicated)}")
    columns = {name: header.index(name) for name in REQUIRED}
    strata_columns = [h for h in header if "strat" in h]
    strata_index = [header.index(h) for h in strata_columns]
    width = len(header)

    ids: list[str] = []
    products: list[str] = []
    events: list[str] = []
    strata: list[tuple] = []
    errors: list[str] = []
    i_id, i_p, i_e = columns["id"], columns["var1"], columns["var2"]
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            line = reader.line_num
            if len(row) != width:
                errors.append(f"line {line}: expected {width} fields, found {len(row)}")
            else:
                rid, product, event = row[i_id].strip(), row[i_p].strip(), row[i_e].strip()
                empty = [
                    name
                    for name, value in (("id", rid), ("var1", product), ("var2", event))
                    if not value
                ]
                empty += [
                    strata_columns[k] for k, j in enumerate(strata_index) if not row[j].strip()
                ]
                if empty:
                    errors.append(f"line {line}: empty {', '.join(empty)}")
                else:
                    ids.append(rid)
                    products.append(product)
                    events.append(event)
                    if strata_index:
                        strata.append(tuple(row[j].strip() for j in strata_index))
            if len(errors) >= MAX_ERRORS:
                errors.append("... (stopped after 20 problems)")
                break
    except csv.Error as error:
        errors.append(f"line {reader.line_num}: {error}")
    if errors:
        raise InputError(f"{len(errors)} problem(s) in the file; first: {errors[0]}", errors)
    if not ids:
        raise InputError("the file has a header but no data rows")
    report, _ = factorize(ids)
    product, product_labels = factorize(products)
    event, event_labels = factorize(events)
    stratum = None
    stratum_labels: list = []
    if strata_index:
        stratum, stratum_labels = factorize(strata)
    return RawTable(
        report=report,
        product=product,
        event=event,
        stratum=stratum,
        product_labels=product_labels,
        event_labels=event_labels,
        strata_columns=strata_columns,
        stratum_labels=stratum_labels,
        rows=len(ids),
        encoding=used,
    )


def _number(value) -> str:
    value = float(value)
    if math.isnan(value):
        return "NA"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return f"{value:.12g}"


def order(counts: PairCounts) -> np.ndarray:
    """Pair indices ordered by product label, then event label."""
    p_rank = np.argsort(np.argsort(np.array(counts.product_labels, dtype=object)))
    e_rank = np.argsort(np.argsort(np.array(counts.event_labels, dtype=object)))
    return np.lexsort((e_rank[counts.event], p_rank[counts.product]))


def write_results(detection, out, *, min_count: int = 1, with_flags: bool = False) -> int:
    """Write the result rows to a text stream; return the number of rows written."""
    from yaojian.vigilance.signals.engine import COLUMNS, METHODS

    counts = detection.counts
    figures = detection.figures
    writer = csv.writer(out, lineterminator="\n")
    header = list(COLUMNS) + ([f"signal_{m}" for m in METHODS] if with_flags else [])
    writer.writerow(header)
    idx = order(counts)
    idx = idx[counts.n11[idx] >= min_count]
    products, events = counts.product_labels, counts.event_labels
    numeric = [figures[name].tolist() for name in COLUMNS[3:]]
    flags = [detection.flags[m] for m in METHODS] if with_flags else []
    n = counts.n11.tolist()
    for i in idx.tolist():
        row = [products[counts.product[i]], events[counts.event[i]], n[i]]
        row += [_number(column[i]) for column in numeric]
        if with_flags:
            row += [int(bool(f[i])) for f in flags]
        writer.writerow(row)
    return len(idx)
