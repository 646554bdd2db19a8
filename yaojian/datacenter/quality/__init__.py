"""Data quality (数据治理) of the registers: completeness, validity, duplicates, staleness and
the statutory rules, per jurisdiction, with drill-down to the offending records.

`checks.CHECKS` is the one list of checks; the overview, the drill-down, the Excel export and
the API all read it. Nothing is stored: every figure is computed from the registers on demand,
in the database where SQL can say it, in one streaming pass where a format validator must run.
"""
