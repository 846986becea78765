"""The write side: every function that changes the database, one module per aggregate.

Each takes ``(session, actor, ...)``, asks dashboard.access whether the actor may make the change, applies
the rules (rules/), changes the models and records an audit event (services.audit) in the same
transaction. Callers own the transaction: the web app through ``dashboard.database.perform``, the CLI and
the importer through ``models.database.transaction``. Nothing here commits.
"""
