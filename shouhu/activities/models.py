"""The activities app's tables."""
