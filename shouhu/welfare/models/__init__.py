"""The welfare app's tables, a module per concept (each imported here for Django)."""
