"""Every text of the meeting slides and the period report, in the current language when called.

The slides, the PDF and the workbook call the same functions, so they say the same thing in the same
words. Sentences are whole, with named placeholders; numbers, percentages and dates go through
rules.formatting (the reader's language writes them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dashboard.queries.meeting import (
    AwaitingApproval,
    LateReport,
    Meeting,
    PeriodInfo,
    StuckChange,
)
from i18n import LANGUAGE_NAMES, N_, _, current_language, ngettext
from rules.formatting import format_date, format_datetime, format_number, format_percent

# The topics in the order of the slides; the report and the workbook follow it.
TOPICS = ("headline", "pipeline", "moves", "progress", "e-services", "skills", "issues")

STAGE_NAMES = {
    "identified": N_("identified"),
    "proposed": N_("proposed"),
    "submitted": N_("submitted"),
    "adopted": N_("adopted"),
    "implemented": N_("implemented"),
    "validated": N_("validated"),
    "abandoned": N_("abandoned"),
}
STATUS_NAMES = {"on track": N_("on track"), "behind": N_("behind"), "no data": N_("no data")}
EVIDENCE_KINDS = {
    "official decision": N_("official decision"),
    "amended text": N_("amended text"),
    "launched call": N_("launched call"),
    "letter from managing authority": N_("letter from managing authority"),
    "minutes": N_("minutes"),
    "other": N_("other"),
}


def stage_name(stage: str | None) -> str:
    """A stage in the reader's language; None (before the first stage event) reads "new"."""
    if stage is None:
        return _("new")
    return _(STAGE_NAMES.get(stage, stage))


def status_name(status: str) -> str:
    return _(STATUS_NAMES.get(status, status))


def evidence_kind(kind: str) -> str:
    return _(EVIDENCE_KINDS.get(kind, kind))


def period_span(period: PeriodInfo) -> str:
    """ "P7 (01.03.2026 – 31.08.2026)" as the reader's language writes dates."""
    return _("{period} ({start} – {end})").format(
        period=period.label, start=format_date(period.start_date), end=format_date(period.end_date)
    )


def title(topic: str, meeting: Meeting) -> str:
    """The slide's (and the report section's) title: one idea each."""
    period = meeting.period.label
    titles = {
        "headline": _("{period} at a glance").format(period=period),
        "pipeline": _("Policy changes by stage at the end of {period}").format(period=period),
        "moves": _("What moved in {period}").format(period=period),
        "progress": _("Each partner's targets at the end of {period}").format(period=period),
        "e-services": _("E-service uptake towards the partners' targets"),
        "skills": _("Digital skills, Eurostat and the EU and Latvian targets"),
        "issues": _("Open issues"),
    }
    return titles[topic]


def values_note(include_submitted: bool) -> str:
    if include_submitted:
        return _("Including values awaiting approval")
    return _("Approved values only")


def values_sentence(include_submitted: bool) -> str:
    if include_submitted:
        return _("The figures include values awaiting approval.")
    return _("The figures count approved values only.")


def data_date(meeting: Meeting) -> str:
    if meeting.data_date is None:
        return _("No values yet")
    return _("Data as of {date}").format(date=format_date(meeting.data_date.date()))


def language_name(language: str | None = None) -> str:
    return LANGUAGE_NAMES.get(language or current_language(), language or current_language())


def footer_parts(meeting: Meeting) -> tuple[str, str, str, str]:
    """What every slide's footer and every report page says: period, data date, values, language."""
    return (
        _("Period {span}").format(span=period_span(meeting.period)),
        data_date(meeting),
        values_note(meeting.include_submitted),
        language_name(),
    )


# A list of partners in a sentence or a table cell names at most this many (the region's hundreds of
# bodies made the cover's cell taller than a page, which the PDF cannot lay out).
LISTED_PARTNERS = 12


def partners_list(meeting: Meeting, codes: Iterable[str] | None = None) -> str:
    codes = list(meeting.partner_codes if codes is None else codes)
    named = ", ".join(meeting.label(code) for code in codes[:LISTED_PARTNERS])
    more = len(codes) - LISTED_PARTNERS
    if more <= 0:
        return named
    return ngettext("{partners} and {count} more", "{partners} and {count} more", more).format(
        partners=named, count=format_number(more)
    )


def filters_text(meeting: Meeting) -> list[tuple[str, str]]:
    """The report's cover: (what, value) pairs."""
    return [
        (_("Reporting period"), period_span(meeting.period)),
        (_("Partners"), partners_list(meeting)),
        (_("Values"), values_note(meeting.include_submitted)),
        (_("Data date"), data_date(meeting)),
        (_("Language"), language_name()),
    ]


# --- the headline --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadlineFigure:
    key: str
    label: str
    figure: str
    detail: str


def headline_figures(meeting: Meeting) -> list[HeadlineFigure]:
    head = meeting.headline
    stages = " · ".join(
        _("{count} {stage}").format(count=count, stage=stage_name(stage))
        for stage, count in head.changes_by_stage
    )
    missing = head.partners_missing
    return [
        HeadlineFigure(
            "changes",
            _("Policy changes"),
            format_number(head.changes_total),
            stages or _("none recorded yet"),
        ),
        HeadlineFigure(
            "instruments",
            _("Instruments improved"),
            _("{count} of {total}").format(
                count=head.instruments_improved, total=head.instruments_total
            ),
            _("with a validated improvement"),
        ),
        HeadlineFigure(
            "targets",
            _("Targets on track"),
            _("{count} of {total}").format(count=head.targets_on_track, total=head.targets_total),
            _("{behind} behind · {no_data} without data (partner × indicator targets)").format(
                behind=head.targets_behind, no_data=head.targets_no_data
            ),
        ),
        HeadlineFigure(
            "reported",
            _("Partners who reported {period}").format(period=meeting.period.label),
            _("{count} of {total}").format(
                count=len(head.partners_reported), total=len(meeting.partners)
            ),
            _("Not yet: {partners}").format(partners=partners_list(meeting, missing))
            if missing
            else _("Every partner has reported."),
        ),
    ]


# --- open issues ---------------------------------------------------------------------------------------


def late_sentence(meeting: Meeting, late: LateReport) -> str:
    partner = meeting.label(late.partner_code)
    if late.days_overdue > 0:
        return ngettext(
            "{partner} has sent no values for {period}; the report was due on {date}, {days} day ago.",
            "{partner} has sent no values for {period}; the report was due on {date}, {days} days ago.",
            late.days_overdue,
        ).format(
            partner=partner,
            period=meeting.period.label,
            date=format_date(late.due_date),
            days=late.days_overdue,
        )
    return _("{partner} has sent no values for {period} yet; the report is due on {date}.").format(
        partner=partner, period=meeting.period.label, date=format_date(late.due_date)
    )


def stuck_sentence(meeting: Meeting, stuck: StuckChange) -> str:
    return _("{change} ({partner}) has been {stage} since {date} ({period}).").format(
        change=stuck.change_code,
        partner=meeting.label(stuck.partner_code),
        stage=stage_name(stuck.stage),
        date=format_date(stuck.since),
        period=stuck.since_period or "–",
    )


def awaiting_sentence(meeting: Meeting, waiting: AwaitingApproval) -> str:
    sentence = ngettext(
        "{partner}: {count} value awaits an officer's approval.",
        "{partner}: {count} values await an officer's approval.",
        waiting.values,
    ).format(partner=meeting.label(waiting.partner_code), count=waiting.values)
    if waiting.oldest is not None:
        sentence += " " + _("Waiting since {moment}.").format(
            moment=format_datetime(waiting.oldest)
        )
    return sentence


ISSUE_HEADINGS = {
    "late": N_("Late reports"),
    "stuck": N_("Changes at one stage for more than two periods"),
    "awaiting": N_("Values awaiting approval"),
}
NO_ISSUE = {
    "late": N_("Every partner has sent values for the period."),
    "stuck": N_("No change has been at one stage for more than two periods."),
    "awaiting": N_("No values await approval."),
}


def issue_groups(meeting: Meeting) -> list[tuple[str, str, list[str]]]:
    """(key, heading, sentences) of the three kinds of open issues; an empty list when none."""
    issues = meeting.issues
    return [
        ("late", _(ISSUE_HEADINGS["late"]), [late_sentence(meeting, i) for i in issues.late]),
        ("stuck", _(ISSUE_HEADINGS["stuck"]), [stuck_sentence(meeting, i) for i in issues.stuck]),
        (
            "awaiting",
            _(ISSUE_HEADINGS["awaiting"]),
            [awaiting_sentence(meeting, i) for i in issues.awaiting],
        ),
    ]


def no_issue(key: str) -> str:
    return _(NO_ISSUE[key])


# --- tables --------------------------------------------------------------------------------------------


def moves_header() -> list[str]:
    return [_("Date"), _("Partner"), _("Policy change"), _("From"), _("To")]


def no_moves(meeting: Meeting) -> str:
    return _("No policy change moved to another stage in {period}.").format(
        period=meeting.period.label
    )


def indicator_header(meeting: Meeting) -> list[str]:
    return [
        _("Partner"),
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("Previously reported"),
        _("Current report ({period})").format(period=meeting.period.label),
    ]


def not_reported() -> str:
    return _("not reported")


def no_value() -> str:
    return _("no value (n/a)")


def awaiting_mark() -> str:
    return _("awaiting approval")


def percent(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else format_percent(value, decimals=decimals)


# --- sources -------------------------------------------------------------------------------------------


def _value_origins(meeting: Meeting) -> str:
    parts = []
    if meeting.upload_ids:
        numbers = ", ".join(f"#{number}" for number in meeting.upload_ids)
        parts.append(
            ngettext("the partner's upload {numbers}", "the partners' uploads {numbers}",
                     len(meeting.upload_ids)).format(numbers=numbers)
        )  # fmt: skip
    if meeting.has_manual_values:
        parts.append(_("values entered or corrected on the dashboard"))
    if meeting.has_demo:
        parts.append(_("demo data (invented figures)"))
    return "; ".join(parts) or _("no values yet")


def source(topic: str, meeting: Meeting) -> str:
    """Where a topic's figures come from, in one or two sentences."""
    period = meeting.period.label
    end = format_date(meeting.period.end_date)
    stages = _(
        "Source: stage events the partners recorded up to {date} (Policy instruments page)."
    ).format(date=end)
    values = (
        _("Source: targets and values the partners reported up to {period} ({origins}).").format(
            period=period, origins=_value_origins(meeting)
        )
        + " "
        + values_sentence(meeting.include_submitted)
    )
    if topic in ("pipeline", "moves", "histories"):
        return stages
    if topic in ("progress", "e-services", "indicators"):
        return values
    if topic == "headline":
        return f"{stages} {values}"
    if topic == "skills":
        skills = meeting.skills
        by_url: dict[str, list[str]] = {}
        for geo, year, url in skills.source_urls:
            by_url.setdefault(url, []).append(f"{geo} {year}")
        published = "; ".join(f"{', '.join(figures)}: {url}" for url, figures in by_url.items())
        return (
            values
            + " "
            + _("Reference: Eurostat {series} ({name}); figures as published in: {links}.").format(
                series=skills.series_code, name=skills.series_name, links=published or "–"
            )
            + " "
            + _("Targets: EU Digital Decade 80 % by 2030; Latvia's national target 70 % by 2027.")
        )
    if topic == "issues":
        return _(
            "Source: the values each partner sent for {period}, the submissions awaiting review, and "
            "the stage events; reports are due three months after a period ends."
        ).format(period=period)
    raise KeyError(topic)


def demo_note(meeting: Meeting) -> str | None:
    if not meeting.has_demo:
        return None
    return _(
        "Demo data: policy-change histories, targets and indicator values are invented for "
        "illustration; partners, instruments and Eurostat figures are real."
    )


def stale_note() -> str:
    return _("A period in brackets marks a value older than the meeting's period.")
