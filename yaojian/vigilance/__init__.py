"""Adverse drug reaction monitoring: case reports, E2B(R3), signals."""
