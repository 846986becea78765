"""The ``sharing`` command line: one click group (cli.main) and one module per family of commands.

Every command that touches the database opens it through ``cli.common.open_database`` (reachable, schema
current) and reports what the user can fix as one sentence on stderr with exit code 2 (``UserError``).
"""
