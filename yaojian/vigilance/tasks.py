"""Periodic and background work of adverse-reaction monitoring (the nightly signal run)."""

from yaojian.vigilance.signals.tasks import *  # noqa: F403
