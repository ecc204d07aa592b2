"""Code for the tests only: the test clock (`dates`). Nothing in the product imports it."""
