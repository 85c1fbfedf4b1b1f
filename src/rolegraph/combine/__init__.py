"""Combining what the sources read: aliases, merging, level ordering."""
