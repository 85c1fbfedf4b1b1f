"""The interactive HTML explorer: views, layout, label metrics and the page."""
