"""Demo data: the real partnership (reference_data) plus invented policy-change histories and figures.

Everything invented is marked: PolicyChange.is_demo, Target.is_demo and Observation.source_kind == "demo",
so pages can say "demo data". MDPWA's Law 387/2023 adoption is a real milestone; its other dates are not.
Loading is idempotent and deterministic (a fixed random seed): running it twice adds nothing.
"""

from __future__ import annotations

import random
import secrets
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n import _
from models import (
    ChangeType,
    EvidenceItem,
    Indicator,
    Observation,
    Partner,
    PolicyChange,
    ReportingPeriod,
    Stage,
    Target,
    User,
    utcnow,
)

from .reference_data import load_reference_data

DEMO_USER = "demo loader"
LATE_PARTNER = "PLH"  # has not reported the last ended period, so the pages have something to flag
_SEED = 20230301

# code, partner, change type, title, description, [(stage, date, note)], [(evidence kind, title, url)]
CHANGES = [
    ("MDPWA-1", "MDPWA", "strategic-focus",
     "Inter-community development associations with legal personality",
     "Amend the Administrative Code so municipalities can cooperate through associations with legal "
     "personality. Real milestone: Law 387/2023 (Monitorul Oficial 1120, 12 Dec 2023).",
     [("identified", date(2023, 5, 10), "Gap found in the 2022 'administrative consortia' provisions"),
      ("proposed", date(2023, 7, 20), "Draft amendment circulated to the stakeholder group"),
      ("submitted", date(2023, 9, 15), "Sent to Parliament with the government's amendment package"),
      ("adopted", date(2023, 12, 12), "Law 387/2023 published in Monitorul Oficial 1120"),
      ("implemented", date(2024, 9, 30), "First associations registered under the new rules")],
     [("amended text", "Law 387/2023, Monitorul Oficial no. 1120 of 12 December 2023",
       "https://legislatie.just.ro/")]),
    ("MDPWA-2", "MDPWA", "management",
     "Methodological framework for shared digital services between municipalities",
     "Guidelines under the Administrative Code for jointly run e-services.",
     [("identified", date(2024, 3, 1), "From the peer review with Smiltene"),
      ("proposed", date(2025, 6, 12), "Draft methodology discussed with the association of communes")],
     []),
    ("SWO-RDA-1", "SWO-RDA", "management",
     "Monitoring methodology for projects digitalising public institutions",
     "Add e-service uptake indicators (users, online share) to the monitoring of digitalisation projects.",
     [("identified", date(2023, 6, 1), ""),
      ("proposed", date(2024, 2, 20), "Methodology drafted after the Međimurje study visit"),
      ("submitted", date(2025, 4, 9), "Submitted to the Programme Monitoring Committee")],
     []),
    ("SWO-RDA-2", "SWO-RDA", "new-projects",
     "Selection criteria rewarding inter-municipal e-services",
     "Extra points in calls for projects run jointly by several municipalities.",
     [("identified", date(2023, 9, 1), ""),
      ("proposed", date(2024, 5, 15), ""),
      ("submitted", date(2024, 10, 1), ""),
      ("adopted", date(2025, 1, 28), "Criteria approved by the Monitoring Committee")],
     [("official decision", "Monitoring Committee decision approving the selection criteria (demo)",
       "https://www.adroltenia.ro/")]),
    ("SWO-RDA-3", "SWO-RDA", "new-projects",
     "Dedicated call for joint digital-skills hubs",
     "A separate call for hubs run by groups of municipalities.",
     [("identified", date(2023, 9, 1), ""),
      ("abandoned", date(2024, 11, 5), "Merged into the general digitalisation call")],
     []),
    ("REDEA-1", "REDEA", "strategic-focus",
     "Inter-municipal cooperation model for shared e-services in the County Development Plan",
     "Replicate the best local-cooperation model at county level under 'green and digital Međimurje'.",
     [("identified", date(2023, 5, 2), ""),
      ("proposed", date(2023, 11, 14), ""),
      ("submitted", date(2024, 4, 3), "Submitted to the County Assembly"),
      ("adopted", date(2024, 6, 27), "County Assembly decision"),
      ("implemented", date(2025, 3, 31), "Three municipalities share one e-service back office")],
     [("official decision", "County Assembly decision amending the Development Plan (demo)",
       "https://medjimurska-zupanija.hr/")]),
    ("REDEA-2", "REDEA", "new-projects",
     "County digital-skills action for municipal staff",
     "Training for the staff of the county's municipalities.",
     [("identified", date(2024, 1, 15), ""), ("proposed", date(2024, 12, 10), "")],
     []),
    ("SMILTENE-1", "SMILTENE", "management",
     "Unified e-service portal for the four merged municipalities",
     "One portal and one back office for the e-services of the municipalities merged on 1 July 2021.",
     [("identified", date(2023, 4, 20), ""),
      ("proposed", date(2023, 10, 5), ""),
      ("adopted", date(2024, 2, 22), "Council decision"),
      ("implemented", date(2024, 11, 1), "Portal live for all four former municipalities"),
      ("validated", date(2025, 5, 15), "Evidence accepted in the progress report")],
     [("official decision", "Smiltene Municipal Council decision on the unified portal (demo)",
       "https://www.smiltene.lv/")]),
    ("SMILTENE-2", "SMILTENE", "strategic-focus",
     "Digital-skills programme for residents in the Local Development Programme",
     "Reduce the digital-skills gap with courses in every parish.",
     [("identified", date(2023, 4, 20), ""),
      ("proposed", date(2024, 3, 14), ""),
      ("adopted", date(2024, 9, 26), "Programme action plan amended")],
     []),
    ("PLH-1", "PLH", "management",
     "Shared digital service point with neighbouring municipalities",
     "One assisted digital-services desk run jointly within the revitalisation operation.",
     [("identified", date(2023, 6, 15), ""),
      ("proposed", date(2024, 6, 3), ""),
      ("submitted", date(2025, 2, 17), "Submitted to the operation's steering committee")],
     []),
    ("PLH-2", "PLH", "new-projects",
     "Online procedures for local services",
     "Put civil-status and school-canteen procedures online.",
     [("identified", date(2024, 4, 8), "")],
     []),
]  # fmt: skip

# Per partner: indicator -> (first-period value, growth per period, final target). Flows ("sum") are
# per-period amounts; stocks and shares ("latest") grow towards the target.
PROFILES = {
    "MDPWA": {"ESU-SERVICES": (12, 1.5, 25), "ESU-ONLINE-SHARE": (21, 1.5, 35),
              "ESU-TRANSACTIONS": (40000, 4000, 500000), "ESU-USERS": (150000, 12000, 260000),
              "STK-MEETINGS": (2, 0, 14), "RCO81": (8, 1, 60), "RCO83": (0, 0, 1)},
    "SWO-RDA": {"ESU-SERVICES": (30, 2, 45), "ESU-ONLINE-SHARE": (14, 1.8, 30),
                "ESU-TRANSACTIONS": (9000, 900, 110000), "ESU-USERS": (20000, 2500, 45000),
                "RCO14": (3, 1, 40), "RCR11": (5000, 2200, 30000), "STK-MEETINGS": (2, 0, 14),
                "RCO81": (10, 1, 70), "RCO83": (0, 0, 1)},
    "REDEA": {"ESU-SERVICES": (18, 1, 30), "ESU-ONLINE-SHARE": (38, 2.5, 60),
              "ESU-TRANSACTIONS": (6000, 500, 70000), "ESU-USERS": (9000, 900, 18000),
              "DSK-BASIC": (59, 0.6, 68), "DSK-TRAINED": (40, 3, 900), "DSK-STAFF": (10, 1, 150),
              "STK-MEETINGS": (2, 0, 14), "RCO81": (9, 1, 60), "RCO116": (0, 0, 2)},
    "SMILTENE": {"ESU-SERVICES": (22, 2, 40), "ESU-ONLINE-SHARE": (72, 3, 95),
                 "ESU-TRANSACTIONS": (1500, 150, 20000), "ESU-USERS": (2400, 350, 6000),
                 "DSK-BASIC": (45, 1.8, 70), "DSK-TRAINED": (60, 10, 700), "DSK-STAFF": (8, 1, 80),
                 "STK-MEETINGS": (2, 0, 14), "RCO81": (7, 1, 50), "RCR104": (0, 0, 1)},
    "PLH": {"ESU-SERVICES": (6, 1, 15), "ESU-ONLINE-SHARE": (30, 2.5, 55),
            "ESU-TRANSACTIONS": (300, 40, 5000), "ESU-USERS": (700, 90, 1800),
            "DSK-BASIC": (60, 0.5, 66), "DSK-TRAINED": (15, 2, 250), "DSK-STAFF": (3, 0, 30),
            "STK-MEETINGS": (2, 0, 14), "RCO81": (5, 1, 40), "RCR79": (0, 0, 1)},
}  # fmt: skip


def load_demo(session: Session, project_start: date, today: date | None = None) -> str:
    """Load reference data and the demo figures; returns a one-line summary of what was added."""
    today = today or date.today()
    load_reference_data(session, project_start)
    partners = {p.code: p for p in session.scalars(select(Partner))}
    indicators = {i.code: i for i in session.scalars(select(Indicator))}
    periods = list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.is_semester())
            .order_by(ReportingPeriod.number)
        )
    )
    added_changes = _load_changes(session, partners)
    added_targets = _load_targets(session, partners, indicators, project_start)
    added_observations = _load_observations(session, partners, indicators, periods, today)
    session.flush()
    total = session.scalar(select(func.count()).select_from(Observation))
    # Several counts in one sentence: no plural form fits them all, so translators word it as a list.
    return _(
        "Demo data ready: {partners} partners, {periods} periods; added {changes} policy changes, "
        "{targets} targets, {observations} observations ({total} in all)."
    ).format(
        partners=len(partners), periods=len(periods), changes=added_changes,
        targets=added_targets, observations=added_observations, total=total,
    )  # fmt: skip


def _load_changes(session: Session, partners: dict[str, Partner]) -> int:
    known = set(session.scalars(select(PolicyChange.code)))
    types = {t.code: t for t in session.scalars(select(ChangeType))}
    added = 0
    for code, partner_code, type_code, title, description, events, evidence in CHANGES:
        if code in known:
            continue
        change = PolicyChange(
            code=code, instrument=partners[partner_code].instruments[0],
            change_type=types[type_code], title=title, description=description, is_demo=True,
        )  # fmt: skip
        session.add(change)
        for kind, evidence_title, url in evidence:
            change.evidence.append(
                EvidenceItem(kind=kind, title=evidence_title, url=url, added_by=DEMO_USER)
            )
        for stage, occurred_on, note in events:
            change.record_stage(Stage(stage), occurred_on, DEMO_USER, note)
        added += 1
    return added


def _load_targets(session, partners, indicators, project_start: date) -> int:
    known = set(map(tuple, session.execute(select(Target.partner_id, Target.indicator_id))))
    added = 0
    for partner_code, profile in PROFILES.items():
        partner = partners[partner_code]
        for code, (first, growth, final) in profile.items():
            indicator = indicators[code]
            if (partner.id, indicator.id) in known:
                continue
            baseline = None if indicator.aggregation == "sum" else round(first - growth, 1)
            session.add(
                Target(
                    indicator_id=indicator.id, partner_id=partner.id, baseline_value=baseline,
                    baseline_date=project_start, target_value=final, is_demo=True,
                )
            )  # fmt: skip
            added += 1
    return added


def _load_observations(session, partners, indicators, periods, today: date) -> int:
    known = set(
        map(
            tuple,
            session.execute(
                select(Observation.partner_id, Observation.indicator_id, Observation.period_id)
            ),
        )
    )
    ended = [p for p in periods if p.has_ended(today)]
    rng = random.Random(_SEED)
    rows = []
    for partner_code, profile in PROFILES.items():
        partner = partners[partner_code]
        reported = ended[:-1] if partner_code == LATE_PARTNER else ended
        for code, (first, growth, _final) in profile.items():
            indicator = indicators[code]
            for index, period in enumerate(reported):
                value = _demo_value(indicator, first, growth, index, rng)
                if (partner.id, indicator.id, period.id) in known:
                    continue
                rows.append(
                    Observation(
                        indicator_id=indicator.id, partner_id=partner.id, period_id=period.id,
                        value=value, source_kind="demo", updated_by=DEMO_USER,
                        review_status="approved", approved_value=value, approved_at=utcnow(),
                    )
                )  # fmt: skip
    session.add_all(rows)
    return len(rows)


def _demo_value(indicator: Indicator, first: float, growth: float, index: int, rng) -> float:
    """A believable value for the ``index``-th period: trend plus a little noise, drawn in order."""
    noise = rng.uniform(-0.08, 0.08)
    if indicator.code in {"RCO83", "RCO116", "RCR79", "RCR104"}:
        return 1.0 if index == 5 else 0.0  # one jointly developed plan/solution, in P6
    trend = first + growth * index
    value = trend * (1 + noise)
    if indicator.value_kind == "percentage":
        return round(min(value, 100.0), 1)
    return float(max(round(value), 0))


# The demo's accounts: one per role and one editor per partner. Addresses under example.org (reserved for
# documentation, RFC 2606): they can never reach a real person.
DEMO_ACCOUNTS = (
    ("officer@demo.example.org", "admin", None, "Demo officer (SWO RDA)"),
    ("committee@demo.example.org", "viewer", None, "Demo steering committee"),
)
DEMO_EDITOR_ADDRESS = "{code}@demo.example.org"
# Letters and digits nobody misreads when copying a password from a terminal (no 0/o, 1/l/i).
_READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


def load_demo_accounts(session: Session) -> list[tuple[str, str, str | None, str]]:
    """Create the demo accounts when the database has no account yet, each with a random password.

    Returns (email, role, partner, password) for the accounts just created, for the command to print
    once; an empty list when accounts exist (then nothing is created: a database with real accounts
    never gets default ones, and the passwords printed earlier stay the only copy).
    """
    from dashboard.access import command_line_actor
    from services.accounts import add_user

    if session.scalar(select(func.count()).select_from(User)):
        return []
    actor = command_line_actor("sharing demo")
    wanted = [*DEMO_ACCOUNTS]
    for partner in session.scalars(select(Partner).order_by(Partner.display_order)):
        wanted.append(
            (
                DEMO_EDITOR_ADDRESS.format(code=partner.code.lower()), "editor", partner.code,
                f"Demo editor ({partner.short_name})",
            )
        )  # fmt: skip
    created = []
    for email, role, partner_code, name in wanted:
        password = "-".join("".join(secrets.choice(_READABLE) for _ in range(5)) for _ in range(4))
        add_user(
            session, actor, email, role, partner_code=partner_code, name=name, password=password,
            is_demo=True,
        )  # fmt: skip
        created.append((email, role, partner_code, password))
    return created
