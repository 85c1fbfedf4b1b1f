"""Shared test helpers: tiny files in the official shapes (minicsv, minipages) and what
the explorer must show for them (vizfacts)."""
