"""The inspection pages: regulators (work portal) and enterprises (government-service portal)."""
