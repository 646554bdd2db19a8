"""Signal detection: disproportionality statistics (PRR, ROR, BCPNN IC, MGPS/EBGM) and signal review."""
