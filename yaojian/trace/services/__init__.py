"""Every write of the traceability app."""
