"""Partner workbooks -> rows -> validated records, written through services/ (reference and demo data are
in seed/, the workbooks the product writes in workbooks/).

Importers never import Dash; problems with the data are returned as data (Problem), not raised.

Public API for partner workbooks (used by ``sharing import/template/export`` and the dashboard):

``importers.workbook_import``
    ``run_import(session_factory, content, filename, *, actor, partner_code, dry_run, max_bytes,
    today=None) -> ImportResult``: read, validate and import a workbook (.xlsx, .xlsm, .ods, .xls, .csv).
    Always records an Upload row and the file's bytes (StoredFile) in a transaction of its own before
    the file is read (a crash while reading leaves it "unreadable", with one sentence); a clean file is
    written in one further transaction, all or nothing. ``ImportResult`` has ``status``
    ("imported" | "unchanged" | "dry-run" | "rejected" | "unreadable"), ``rows`` (read, inserted,
    updated, unchanged, invalid), ``issues`` (list of Problem), ``changes`` (ValueChange: partner,
    indicator, period, cell, old_value, new_value, is_new), ``upload_id``, ``exit_code`` and
    ``to_json()`` (the CLI's ``--json`` object). Raises UnknownPartnerError for an unknown partner code,
    AccessDenied when ``actor`` may not change the partner's data.

    ``import_stored_upload(session_factory, upload_id, *, actor, max_bytes, dry_run=False)``: import
    the stored bytes of an earlier upload (confirming a dry run without sending the file again).

``rules.problems.Problem``
    severity ("error" | "warning"), stable ``code``, ``sheet``, ``cell`` ("D14"), raw ``value`` and the
    ``params`` of its sentence; ``message`` renders the sentence from rules.messages when shown;
    ``to_dict()`` / ``from_dict()`` (Upload.issues holds the dicts, with the English message and params).

``workbooks.annotate.annotate_workbook(content, filename, issues) -> bytes``
    The partner's workbook as .xlsx with every problem cell highlighted and commented, plus a first
    "Import problems" sheet.

``workbooks.template.build_template(session, partner_code, period_label=None, today=None) -> bytes``
    The partner's reporting workbook (.xlsx). Raises TemplateError for an unknown partner or period.

``workbooks.export.export_observations(session, partner_code=None, fmt="csv" | "xlsx") -> bytes``
    Every current observation, with formula-like text neutralised. Raises ExportError.
"""
