"""Differences between two graphs or releases."""
