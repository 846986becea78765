"""Everything that brings data into the database: reference data, demo data and partner workbooks.

Importers never import Dash; problems with the data are returned as data (ImportIssue), not raised.
"""
