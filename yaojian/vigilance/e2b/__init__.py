"""ICH E2B(R3) exchange: parse batches (MCCI_IN200100UV01 / PORR_IN049016UV), write them,
and acknowledge them (MCCI_IN200101UV01).

    from yaojian.vigilance.e2b import parse_batch, export_batch, import_batch
"""

from yaojian.vigilance.e2b.codes import NS
from yaojian.vigilance.e2b.export import export_batch, export_cases
from yaojian.vigilance.e2b.parse import E2BError, ParsedBatch, ParsedReport, parse_batch

__all__ = [
    "NS",
    "E2BError",
    "ParsedBatch",
    "ParsedReport",
    "export_batch",
    "export_cases",
    "parse_batch",
]
