"""Everything that brings data into the database: reference data, demo data and partner workbooks.

Importers never import Dash; problems with the data are returned as data (Problem), not raised.

Public API for partner workbooks (used by ``sharing import/template/export`` and the dashboard):

``importers.workbook_import``
    ``run_import(session_factory, content, filename, *, partner_code, uploaded_by, dry_run, settings,
    today=None) -> ImportResult``: read, validate and import a workbook (.xlsx, .xlsm, .ods, .xls, .csv).
    Always records an Upload row and the file's bytes (StoredFile) in a transaction of its own; a clean
    file is written in one further transaction, all or nothing. ``ImportResult`` has ``status``
    ("imported" | "unchanged" | "dry-run" | "rejected" | "unreadable"), ``rows`` (read, inserted,
    updated, unchanged, invalid), ``issues`` (list of Problem), ``changes`` (ValueChange: partner,
    indicator, period, cell, old_value, new_value, is_new), ``upload_id``, ``exit_code`` and
    ``to_json()`` (the CLI's ``--json`` object). Raises UnknownPartnerError for an unknown partner code.

    ``import_stored_upload(session_factory, upload_id, *, uploaded_by, settings, dry_run=False)``: import
    the stored bytes of an earlier upload (confirming a dry run without sending the file again).

``rules.problems.Problem``
    severity ("error" | "warning"), stable ``code``, ``sheet``, ``cell`` ("D14"), raw ``value`` and a
    ``message`` saying what was expected; ``to_dict()`` / ``from_dict()`` (Upload.issues holds the dicts).

``workbooks.annotate.annotate_workbook(content, filename, issues) -> bytes``
    The partner's workbook as .xlsx with every problem cell highlighted and commented, plus a first
    "Import problems" sheet.

``workbooks.template.build_template(session, partner_code, period_label=None, today=None) -> bytes``
    The partner's reporting workbook (.xlsx). Raises TemplateError for an unknown partner or period.

``workbooks.export.export_observations(session, partner_code=None, fmt="csv" | "xlsx") -> bytes``
    Every current observation, with formula-like text neutralised. Raises ExportError.
"""
