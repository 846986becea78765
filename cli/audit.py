"""``sharing audit``: the audit trail on the command line (who changed what, when, from what to what)."""

from __future__ import annotations

import json
from datetime import date

import click

from cli.common import UserError, open_database
from dashboard.access import command_line_actor
from dashboard.queries.audit import audit_events
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.settings import Settings
from i18n import _
from models.database import make_session_factory
from rules.formatting import format_datetime, format_field
from services.audit import ACTIONS


def _day(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            _("{value} is not a date; write it as YYYY-MM-DD").format(value=repr(value))
        ) from None


@click.command("audit")
@click.option(
    "--partner", "partner_code", metavar="CODE", help="Only events about this partner's data."
)
@click.option(
    "--action",
    metavar="CODE",
    help="Only this action (such as target.updated), or a family ending in a dot (target.).",
)
@click.option(
    "--since", metavar="YYYY-MM-DD", callback=_day, help="Only events on or after this day."
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many events.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per line.")
@click.pass_obj
def audit_command(settings: Settings, partner_code, action, since, limit, as_json) -> None:
    """Print the audit trail, newest first."""
    if action and action not in ACTIONS and not action.endswith("."):
        raise UserError(
            _("{action} is not an action; use one of {actions}").format(
                action=repr(action), actions=", ".join(sorted(ACTIONS))
            )
        )
    engine = open_database(settings)
    try:
        with make_session_factory(engine)() as session:
            # The command line is the operator's: it sees every partner, as a monitoring officer does.
            visible = partner_codes_visible_to(session, command_line_actor("audit"))
            if partner_code and partner_code.upper() not in visible:
                raise UserError(
                    _("No partner has the code {code}; use one of {codes}").format(
                        code=repr(partner_code), codes=", ".join(visible)
                    )
                )
            events = audit_events(
                session, visible, partner=partner_code and partner_code.upper(), action=action,
                since=since, limit=limit,
            )  # fmt: skip
    finally:
        engine.dispose()
    for event in events.to_dict("records"):
        if as_json:
            event["occurred_at"] = event["occurred_at"].isoformat(timespec="seconds")
            click.echo(json.dumps(event, ensure_ascii=False, default=str))
        else:
            click.echo(_event_line(event))
    if not as_json and events.empty:
        click.echo(_("No audit events match."))


def _event_line(event: dict) -> str:
    """One event for people: when, what, on which object, by whom, the fields before and after, and
    the comment; values written by rules.formatting in the current language."""
    who = event["actor_name"]
    if event["actor_partner"]:
        who = _("{name} ({partner})").format(name=who, partner=event["actor_partner"])
    line = _("{when}  {action} {object}  by {who}").format(
        when=format_datetime(event["occurred_at"]), action=f"{event['action']:22}",
        object=event["object_label"], who=who,
    )  # fmt: skip
    changes = "; ".join(
        _field_change(key, event["before"].get(key), event["after"].get(key))
        for key in dict.fromkeys([*event["before"], *event["after"]])
    )
    if changes:
        line += f"  [{changes}]"
    if event["comment"]:
        line += f"  \u201c{event['comment']}\u201d"
    return line


def _field_change(field: str, before: object, after: object) -> str:
    if before is None or before == "":
        return _("{field}: {after}").format(field=field, after=format_field(after))
    return _("{field}: {before} -> {after}").format(
        field=field, before=format_field(before), after=format_field(after)
    )
