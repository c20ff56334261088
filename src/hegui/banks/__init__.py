"""hegui.banks."""
