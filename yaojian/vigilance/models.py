"""Adverse-reaction case reports (ICSRs), versions, duplicates, causality and MedDRA coding.

The signal-detection models live in `signals/models.py` and are imported here so that
Django sees them as models of this app.
"""

from yaojian.vigilance.signals.models import *  # noqa: F403
