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
from models.database import make_session_factory
from services.audit import ACTIONS


def _day(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


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
        raise UserError(f"{action!r} is not an action; use one of {', '.join(sorted(ACTIONS))}")
    engine = open_database(settings)
    try:
        with make_session_factory(engine)() as session:
            # The command line is the operator's: it sees every partner, as a monitoring officer does.
            visible = partner_codes_visible_to(session, command_line_actor("audit"))
            if partner_code and partner_code.upper() not in visible:
                raise UserError(
                    f"No partner has the code {partner_code!r}; use one of {', '.join(visible)}"
                )
            events = audit_events(
                session, visible, partner=partner_code and partner_code.upper(), action=action,
                since=since, limit=limit,
            )  # fmt: skip
    finally:
        engine.dispose()
    for event in events.to_dict("records"):
        event["occurred_at"] = event["occurred_at"].isoformat(timespec="seconds")
        if as_json:
            click.echo(json.dumps(event, ensure_ascii=False, default=str))
            continue
        who = event["actor_name"] + (
            f" ({event['actor_partner']})" if event["actor_partner"] else ""
        )
        changes = "; ".join(
            f"{key}: {event['before'].get(key, '')} -> {event['after'].get(key, '')}".replace(
                ": ->", ":"
            )
            for key in dict.fromkeys([*event["before"], *event["after"]])
        )
        line = f"{event['occurred_at']}  {event['action']:22} {event['object_label']}  by {who}"
        click.echo(
            line
            + (f"  [{changes}]" if changes else "")
            + (f"  \u201c{event['comment']}\u201d" if event["comment"] else "")
        )
    if not as_json and events.empty:
        click.echo("No audit events match.")
