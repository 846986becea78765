"""Upload: drop a partner workbook, see the dry run at once (counts, problems with cell references, the
values that would change), confirm to import, download the annotated workbook or the template.

Nothing is kept in process memory between the steps: the dry run stores the file (StoredFile, by SHA-256)
and an Upload row through the importer; the browser keeps only that upload's id, and "Import" asks the
importer to import the stored bytes again (``import_stored_upload``). Any gunicorn worker can answer.

A file larger than SHARING_BACKGROUND_MB is checked, and imported, by a background worker (jobs/): the
request only records and queues it, and the page follows the job's state on its Upload row (a progress
bar, polled) until the worker is done; then it shows what a request would have shown.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date
from pathlib import PurePath

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.access import AccessDenied, Permission, current_actor, require_edit
from dashboard.callback_guard import NotFound
from dashboard.components.import_result import (
    changes_table,
    counts_row,
    issues_table,
    policy_changes_table,
    result_summary,
)
from dashboard.components.links import linked, page_path
from dashboard.components.periods import period_label
from dashboard.components.review import returned_banner
from dashboard.database import (
    DatabaseBusy,
    app_settings,
    perform_import,
    perform_submit,
    read_session,
)
from dashboard.queries.catalogue import visible_partners
from dashboard.queries.partner import (
    default_report_period,
    partner_codes_visible_to,
    reporting_periods,
)
from dashboard.queries.review import latest_returned
from dashboard.queries.uploads import file_not_kept, original_file, upload_job, upload_record
from i18n import N_, _, current_language, page_title
from importers.workbook_import import (
    ImportResult,
    RowCounts,
    UnknownPartnerError,
    UploadNotFoundError,
    import_stored_upload,
    run_import,
)
from jobs.submit import submit_confirmation, submit_file
from rules.formatting import format_number
from rules.problems import Problem
from workbooks.annotate import AnnotationTooLarge, annotate_workbook
from workbooks.template import TemplateError, build_template

dash.register_page(
    __name__, path="/upload", name=N_("Upload"), title=page_title("Send a workbook"), order=70
)

ACCEPTED = ".xlsx,.xlsm,.xls,.ods,.csv"
JOB_POLL_MS = 1500


def layout(partner: str = "", **_other):
    actor = current_actor()
    with read_session() as session:
        partners = visible_partners(session, actor)
        periods = reporting_periods(session)
    names = dict(zip(partners["code"], partners["name"], strict=True))
    editable = [code for code in names if actor.can_edit(code)]
    partner = next((code for code in editable if code.upper() == partner.strip().upper()), "")
    if not editable:
        return html.Div(
            [
                html.H1(_("Send a workbook")),
                dbc.Alert(
                    _(
                        "There are no partners you can send data for yet. Partners are set up on the Setup page."
                    ),
                    color="info",
                    id="upload-empty",
                ),
            ]
        )
    chosen = partner if partner in editable else (editable[0] if len(editable) == 1 else None)
    default_period = default_report_period(periods, date.today())
    if chosen and actor.can(Permission.READ_SUBMITTED, chosen):
        with read_session() as session:
            returned = latest_returned(session, chosen)
    else:
        returned = None
    megabytes = app_settings().max_upload_bytes // (1024 * 1024)
    return html.Div(
        [
            dcc.Store(id="upload-id"),
            dcc.Store(id="upload-job"),
            dcc.Interval(id="upload-job-poll", interval=JOB_POLL_MS, disabled=True),
            dcc.Download(id="upload-download"),
            html.H1(_("Send a workbook")),
            returned_banner(returned, "upload-returned"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(
                                    html.H2(_("1. Partner and template"), className="h6 mb-0")
                                ),
                                dbc.CardBody(
                                    [
                                        dbc.Label(_("Partner"), html_for="upload-partner"),
                                        dcc.Dropdown(
                                            id="upload-partner",
                                            options=[
                                                {"label": f"{c} · {names[c]}", "value": c}
                                                for c in editable
                                            ],
                                            value=chosen,
                                            clearable=False,
                                            placeholder=_("Choose the partner"),
                                            className="mb-3",
                                        ),
                                        dbc.Label(
                                            _("Reporting period of the template"),
                                            html_for="upload-period",
                                        ),
                                        dcc.Dropdown(
                                            id="upload-period",
                                            options=[
                                                {"label": period_label(p), "value": p.label}
                                                for p in periods.itertuples()
                                            ],
                                            value=default_period,
                                            clearable=False,
                                            className="mb-3",
                                        ),
                                        dbc.Button(
                                            _("Download the template"),
                                            id="upload-template",
                                            color="outline-primary",
                                            n_clicks=0,
                                        ),
                                        html.Div(id="upload-template-note", className="mt-2"),
                                        html.P(
                                            _(
                                                "The template lists the partner's indicators and policy "
                                                "changes; fill in the Value column and send it back here."
                                            ),
                                            className="small text-muted mt-2 mb-0",
                                        ),
                                    ]
                                ),
                            ],
                            className="h-100",
                        ),
                        lg=4,
                        className="mb-3",
                    ),
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(
                                    html.H2(_("2. Drop the workbook"), className="h6 mb-0")
                                ),
                                dbc.CardBody(
                                    [
                                        dcc.Upload(
                                            id="upload-file",
                                            children=html.Div(
                                                [
                                                    html.Div(
                                                        linked(
                                                            _(
                                                                "Drag and drop the workbook here or {choose_a_file}"
                                                            ),
                                                            choose_a_file=html.A(
                                                                _("choose a file"),
                                                                className="link-primary",
                                                            ),
                                                        )
                                                    ),
                                                    html.Small(
                                                        _(
                                                            "Excel (.xlsx, .xls), LibreOffice (.ods) or CSV, up to {mb} MB"
                                                        ).format(mb=megabytes),
                                                        className="text-muted",
                                                    ),
                                                ]
                                            ),
                                            accept=ACCEPTED,
                                            multiple=False,
                                            className="upload-zone upload-zone-large",
                                        ),
                                        html.Div(
                                            [
                                                html.Div(
                                                    id="upload-progress-text",
                                                    className="small mb-1",
                                                ),
                                                dbc.Progress(
                                                    value=100, striped=True, animated=True
                                                ),
                                            ],
                                            id="upload-progress",
                                            style={"display": "none"},
                                            className="mt-3",
                                        ),
                                        html.P(
                                            _(
                                                "Nothing is imported yet when you drop the file: you first see "
                                                "what it contains and what would change."
                                            ),
                                            className="small text-muted mt-2 mb-0",
                                        ),
                                    ]
                                ),
                            ],
                            className="h-100",
                        ),
                        lg=8,
                        className="mb-3",
                    ),
                ]
            ),
            html.Div(id="upload-result"),
            html.Div(
                [
                    dbc.Button(
                        _("Import these values"),
                        id="upload-confirm",
                        color="primary",
                        n_clicks=0,
                        style={"display": "none"},
                        className="me-2 mb-2",
                    ),
                    dbc.Button(
                        _("Download the annotated workbook"),
                        id="upload-annotated",
                        color="outline-danger",
                        n_clicks=0,
                        style={"display": "none"},
                        className="me-2 mb-2",
                    ),
                ],
                id="upload-actions",
            ),
            html.Div(id="upload-details"),
            html.Div(id="upload-imported"),
        ]
    )


@callback(
    Output("upload-result", "children"),
    Output("upload-details", "children"),
    Output("upload-id", "data"),
    Output("upload-confirm", "style"),
    Output("upload-annotated", "style"),
    Output("upload-imported", "children"),
    Output("upload-file", "contents"),
    Output("upload-job", "data"),
    Output("upload-job-poll", "disabled"),
    Input("upload-file", "contents"),
    State("upload-file", "filename"),
    State("upload-partner", "value"),
    prevent_initial_call=True,
    running=[
        (Output("upload-progress", "style"), {"display": "block"}, {"display": "none"}),
        (Output("upload-file", "disabled"), True, False),
    ],
)
def dry_run(contents, filename, partner):
    """A file was dropped: check it without importing, and show what was found (a large file: queue
    its check for a background worker and follow it)."""
    hidden = {"display": "none"}
    if not contents:
        raise dash.exceptions.PreventUpdate
    if not partner:
        alert = dbc.Alert(_("Choose the partner first, then drop the file again."), color="warning")
        return alert, None, None, hidden, hidden, None, None, None, True
    name = PurePath(filename or "workbook.xlsx").name
    try:
        content = _decode(contents)
        actor = current_actor()
        require_edit(actor, partner)
        if len(content) > app_settings().background_bytes:
            attempt = perform_submit(submit_file, content, name, partner_code=partner)
            if attempt.refused is None:
                job = {"id": attempt.upload_id, "kind": "preview"}
                panel = _job_panel(attempt.upload_id, "queued", 0, "preview")
                return panel, None, None, hidden, hidden, None, None, job, False
            result = ImportResult(
                "unreadable", RowCounts(), [attempt.refused], upload_id=attempt.upload_id,
                filename=name,
            )  # fmt: skip
        else:
            result = perform_import(run_import, content, name, partner_code=partner, dry_run=True)
    except (AccessDenied, UnknownPartnerError, ValueError) as error:
        return (
            dbc.Alert(str(error), color="danger"),
            None,
            None,
            hidden,
            hidden,
            None,
            None,
            None,
            True,
        )
    except DatabaseBusy:
        return _busy_alert(), None, None, hidden, hidden, None, None, None, True
    # The file's contents are cleared, so dropping the same (corrected) file again checks it again.
    return *_preview(result), None, None, None, True


def _preview(result: ImportResult) -> tuple:
    """What a dry run shows: the summary and counts (above the buttons), the problems and changes
    (below them), the upload's id, and the styles of the Import and annotated-workbook buttons."""
    hidden = {"display": "none"}
    nothing_new = result.status == "dry-run" and not (result.rows.inserted or result.rows.updated)
    summary = [
        result_summary(result, result.filename, nothing_new=nothing_new),
        counts_row(result.rows),
    ]
    details = [
        issues_table(result.issues),
        _changes_cut(result),
        changes_table(result.changes, _("Values that would change")),
        policy_changes_table(result.policy_changes, _("Policy changes that would be recorded")),
    ]
    can_import = result.status == "dry-run" and not nothing_new
    has_cells = any(issue.cell for issue in result.issues)
    return (
        summary,
        details,
        result.upload_id,
        None if can_import else hidden,
        None if has_cells and result.status != "unreadable" else hidden,
    )


def _changes_cut(result: ImportResult):
    """A background job keeps the first changes only (jobs.queue.RESULT_CHANGES): say so."""
    total = result.changes_total
    if not total or total <= len(result.changes):
        return None
    return html.P(
        _("The first {shown} of {total} changes are listed.").format(
            shown=format_number(len(result.changes)), total=format_number(total)
        ),
        className="small text-muted",
        id="upload-changes-cut",
    )


JOB_TEXTS = {
    ("preview", "queued"): N_(
        "Upload #{id} is large, so a background worker checks it. It is queued; you can stay here "
        "or leave: the Imports page shows it too."
    ),
    ("preview", "running"): N_("A background worker is checking upload #{id}…"),
    ("import", "queued"): N_(
        "The import (upload #{id}) is queued for a background worker; you can stay here or leave: "
        "the Imports page shows it too."
    ),
    ("import", "running"): N_("A background worker is importing upload #{id}…"),
}


def _job_panel(upload_id: int, state: str, progress: int, kind: str) -> html.Div:
    """A background job still under way: what is happening, with a progress bar (a grey moving bar
    while it waits for a worker)."""
    if state == "queued":
        bar = dbc.Progress(
            value=100, label=_("queued"), color="secondary", striped=True, animated=True,
            style={"height": "1.4rem"},
        )  # fmt: skip
    else:
        bar = dbc.Progress(
            value=max(progress, 5), label=f"{progress} %" if progress >= 10 else "", striped=True,
            animated=True, style={"height": "1.4rem"},
        )  # fmt: skip
    return html.Div(
        [html.P(_(JOB_TEXTS[kind, state]).format(id=upload_id), className="mb-2"), bar],
        id="upload-job-panel",
        className=f"job-{state} mb-3",
    )


@callback(
    Output("upload-progress-text", "children"),
    Input("upload-file", "filename"),
    prevent_initial_call=True,
)
def show_progress_text(filename):
    return _("Checking {file}… large workbooks take a little while.").format(file=filename or "")


def _decode(contents: str) -> bytes:
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error):
        raise ValueError(_("The file could not be received; drop it again.")) from None


@callback(
    Output("upload-imported", "children", allow_duplicate=True),
    Output("upload-confirm", "style", allow_duplicate=True),
    Output("upload-result", "children", allow_duplicate=True),
    Output("upload-details", "children", allow_duplicate=True),
    Output("upload-id", "data", allow_duplicate=True),
    Output("upload-job", "data", allow_duplicate=True),
    Output("upload-job-poll", "disabled", allow_duplicate=True),
    Input("upload-confirm", "n_clicks"),
    State("upload-id", "data"),
    prevent_initial_call=True,
    running=[(Output("upload-confirm", "disabled"), True, False)],
)
def confirm_import(n_clicks, upload_id):
    """Import the stored bytes of the dry run the user has just looked at: exactly the changes it showed.

    When someone changed those values since the preview, nothing is written and the new preview takes the
    old one's place (with its own upload id), so the next click confirms what is shown now. A large file
    is imported by a background worker, which the page then follows.
    """
    if not n_clicks or upload_id is None:
        raise dash.exceptions.PreventUpdate
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor, Permission.READ_UPLOADS)
        record = upload_record(session, upload_id, visible)
    if record is None:
        raise NotFound(_("There is no such upload; drop the file again."))
    unchanged = (no_update,) * 6
    try:
        require_edit(actor, record["partner_code"])
        if record["size_bytes"] > app_settings().background_bytes:
            attempt = perform_submit(submit_confirmation, upload_id)
            if attempt.refused is None:
                job = {"id": attempt.upload_id, "kind": "import"}
                panel = _job_panel(attempt.upload_id, "queued", 0, "import")
                return None, {"display": "none"}, panel, None, no_update, job, False
            result = ImportResult(
                "unreadable", RowCounts(), [attempt.refused], upload_id=attempt.upload_id,
                filename=record["filename"],
            )  # fmt: skip
        else:
            result = perform_import(import_stored_upload, upload_id)
    except (AccessDenied, UploadNotFoundError) as error:
        return dbc.Alert(str(error), color="danger"), *unchanged
    except DatabaseBusy:
        return _busy_alert(), *unchanged
    return *_import_outcome(result, record["partner_code"]), None, True


def _import_outcome(result: ImportResult, partner_code: str) -> tuple:
    """What a confirmation shows: (below the buttons) the outcome, the Import button's style, and
    (above them) the summary and details of a new preview when the old one was out of date, with the
    upload id the next click confirms."""
    if result.status == "outdated":
        return (
            None,
            None,  # the button stays: it now confirms the new preview
            [result_summary(result, result.filename), counts_row(result.rows)],
            [
                issues_table(result.issues),
                _changes_cut(result),
                changes_table(result.changes, _("Values that would change now")),
                policy_changes_table(
                    result.policy_changes, _("Policy changes that would be recorded now")
                ),
            ],
            result.upload_id,
        )
    if result.status == "busy":
        return _busy_alert(), no_update, no_update, no_update, no_update
    partner_link = dcc.Link(
        _("See {partner}'s page").format(partner=partner_code),
        href=f"/partners/{partner_code}",
        id="upload-partner-link",
    )
    imported = result.status == "imported"
    return (
        html.Div(
            [
                result_summary(result, result.filename),
                counts_row(result.rows),
                _changes_cut(result) if imported else None,
                changes_table(result.changes, _("Values written")) if imported else None,
                policy_changes_table(result.policy_changes, _("Policy changes recorded"))
                if imported
                else None,
                issues_table(result.issues) if not imported else None,
                html.P(
                    [partner_link, " · ", dcc.Link(_("Import history"), href=page_path("imports"))]
                ),
            ],
            id="upload-import-done",
        ),
        {"display": "none"},
        None,  # the dry run's "check, then import" no longer applies
        None,
        no_update,
    )


@callback(
    Output("upload-result", "children", allow_duplicate=True),
    Output("upload-details", "children", allow_duplicate=True),
    Output("upload-id", "data", allow_duplicate=True),
    Output("upload-confirm", "style", allow_duplicate=True),
    Output("upload-annotated", "style", allow_duplicate=True),
    Output("upload-imported", "children", allow_duplicate=True),
    Output("upload-job-poll", "disabled", allow_duplicate=True),
    Input("upload-job-poll", "n_intervals"),
    State("upload-job", "data"),
    prevent_initial_call=True,
)
def follow_job(_ticks, job):
    """Every JOB_POLL_MS while a background job runs: its progress, then what it found or did, read
    from its Upload row (so whichever web instance answers, and whichever worker ran it)."""
    if not job:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor(), Permission.READ_UPLOADS)
        found = upload_job(session, job["id"], visible)
    if found is None:
        raise NotFound(_("There is no such upload; drop the file again."))
    if found["state"] in ("queued", "running"):
        panel = _job_panel(job["id"], found["state"], found["progress"], job["kind"])
        return panel, *(no_update,) * 5, False
    result = ImportResult.from_json(found["result"])
    if job["kind"] == "preview" or found["state"] == "failed":
        summary, details, upload_id, confirm_style, annotated_style = _preview(result)
        if job["kind"] == "import":
            confirm_style = {"display": "none"}
        return summary, details, upload_id, confirm_style, annotated_style, None, True
    imported, confirm_style, summary, details, upload_id = _import_outcome(
        result, found["partner_code"]
    )
    return summary, details, upload_id, confirm_style, no_update, imported, True


def _busy_alert() -> dbc.Alert:
    return dbc.Alert(
        _(
            "Another import for the same partner is being saved, so nothing was written yet. "
            "Try again in a minute."
        ),
        color="warning",
        id="upload-busy",
    )


@callback(
    Output("upload-download", "data"),
    Output("upload-imported", "children", allow_duplicate=True),
    Input("upload-annotated", "n_clicks"),
    State("upload-id", "data"),
    prevent_initial_call=True,
)
def download_annotated(n_clicks, upload_id):
    if not n_clicks or upload_id is None:
        raise dash.exceptions.PreventUpdate
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor, Permission.READ_UPLOADS)
        not_kept = file_not_kept(session, upload_id, visible)
        if not_kept:
            return no_update, dbc.Alert(not_kept, color="warning", id="upload-not-kept")
        record = upload_record(session, upload_id, visible)
        found = original_file(session, upload_id, visible)
    if record is None or found is None or found[1] is None:
        raise NotFound(_("There is no such upload."))
    filename, content = found
    issues = [Problem.from_dict(item) for item in record["issues"]]
    try:
        annotated = annotate_workbook(content, filename, issues)
    except AnnotationTooLarge as refusal:
        alert = dbc.Alert(refusal.message, color="warning", id="upload-annotation-too-large")
        return no_update, alert
    return dcc.send_bytes(annotated, f"{PurePath(filename).stem}-annotated.xlsx"), no_update


@callback(
    Output("upload-download", "data", allow_duplicate=True),
    Output("upload-template-note", "children"),
    Input("upload-template", "n_clicks"),
    State("upload-partner", "value"),
    State("upload-period", "value"),
    prevent_initial_call=True,
)
def download_template(n_clicks, partner, period):
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    if not partner or not period:
        text = (
            _("Choose the partner whose template you want, then press Download the template again.")
            if not partner
            else _("Choose the reporting period, then press Download the template again.")
        )
        return no_update, dbc.Alert(text, color="warning", id="upload-template-choose")
    with read_session() as session:
        if partner not in partner_codes_visible_to(session, current_actor(), Permission.EDIT_DATA):
            raise NotFound(_("There is no such partner."))
        try:
            # In the language of whoever presses the button (the command line's default is the
            # partner's): an officer preparing a template reads it before sending it on.
            content = build_template(session, partner, period, language=current_language())
        except TemplateError as refusal:
            return no_update, dbc.Alert(str(refusal), color="warning", id="upload-template-error")
    return dcc.send_bytes(content, f"SHARING-{partner}-{period}.xlsx"), None
