"""views of the welfare app, a module per concept; import from the modules."""
