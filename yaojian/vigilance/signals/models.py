"""Models of signal detection (runs, results, signal review)."""
