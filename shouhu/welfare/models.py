"""The welfare app's tables."""
