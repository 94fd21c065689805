"""The access-control matrix: the data it runs against (world.py) and what each role should get (table.py)."""
