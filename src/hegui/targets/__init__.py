"""hegui.targets."""
