"""hegui.reports."""
