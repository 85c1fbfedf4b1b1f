"""Answers computed from a graph: the view, career questions, the overlap heat map, differences between releases."""
