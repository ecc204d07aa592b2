"""selectors of the activities app, a module per concept; import from the modules."""
