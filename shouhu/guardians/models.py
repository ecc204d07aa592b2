"""The guardians app's tables."""
