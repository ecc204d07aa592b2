"""selectors of the schooling app, a module per concept; import from the modules."""
