"""hegui.text."""
