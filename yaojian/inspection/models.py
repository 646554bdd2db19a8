"""Inspections in the field: checklists, findings, outcomes and rectification.

The random-draw models live in `draws/models.py` and are imported here so that Django sees
them as models of this app.
"""

from yaojian.inspection.draws.models import *  # noqa: F403
