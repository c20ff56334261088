"""hegui.judges."""
