"""Sampling plans, sampling tasks, samples and laboratory results."""
