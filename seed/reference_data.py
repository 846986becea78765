"""Facts the whole product rests on (../shared/DOMAIN.md): partners, instruments, indicators, benchmarks.

These are real, sourced facts, loaded by ``sharing demo`` and by tests alike; invented figures live in demo.py.
Loading is idempotent: rows are matched by their natural key and only missing ones are added.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_
from models import (
    BenchmarkValue,
    ChangeType,
    Indicator,
    Partner,
    PolicyInstrument,
    ReportingPeriod,
    period_specs,
)

PARTNERS = [
    dict(code="MDPWA", name="Ministry of Development, Public Works and Administration",
         short_name="MDPWA (Romania)", country="RO", nuts_code="RO", level="national", role="partner"),
    dict(code="SWO-RDA", name="South-West Oltenia Regional Development Agency",
         short_name="SWO RDA (Oltenia)", country="RO", nuts_code="RO41", level="regional", role="lead"),
    dict(code="REDEA", name="Public Institution for the Development of Međimurje County",
         short_name="REDEA (Međimurje)", country="HR", nuts_code="HR061", level="regional", role="partner"),
    dict(code="SMILTENE", name="Smiltene Municipality",
         short_name="Smiltene", country="LV", nuts_code="LV00", level="local", role="partner"),
    dict(code="PLH", name="Municipality of Plœuc-L'Hermitage",
         short_name="Plœuc-L'Hermitage", country="FR", nuts_code="FRH0", level="local", role="partner"),
]  # fmt: skip

INSTRUMENTS = {
    "MDPWA": dict(
        title="Administrative Code of Romania",
        kind="legal framework",
        managing_body="Ministry of Development, Public Works and Administration",
        is_structural_funds=False,
        legal_reference="Government Emergency Ordinance 57/2019 (in force 5 July 2019)",
    ),
    "SWO-RDA": dict(
        title="ERDF South-West Oltenia Regional Programme 2021-2027",
        kind="ERDF programme",
        managing_body="South-West Oltenia Regional Development Agency (managing authority)",
        is_structural_funds=True,
        legal_reference="CCI 2021RO16RFPR006, Commission decision C(2022)7441 of 14 October 2022",
    ),
    "REDEA": dict(
        title="Međimurje County Development Plan to 2027",
        kind="development plan",
        managing_body="Međimurje County (associated policy authority)",
        is_structural_funds=False,
        legal_reference="Priority 'green and digital Međimurje'",
    ),
    "SMILTENE": dict(
        title="Local Development Programme 2022-2028 for Smiltene area",
        kind="local programme",
        managing_body="Smiltene Municipality",
        is_structural_funds=False,
        legal_reference=None,
    ),
    "PLH": dict(
        title="Saint-Brieuc/Quintin/Plœuc-L'Hermitage Territory Revitalisation Operation 2020-2025",
        kind="territorial operation",
        managing_body="Municipality of Plœuc-L'Hermitage and partner municipalities",
        is_structural_funds=False,
        legal_reference=None,
    ),
}

# The 2014-2020 classification is commonly quoted but unverified (DOMAIN.md): it is only the default list.
CHANGE_TYPES = [
    ("new-projects", "Implementation of new projects"),
    ("management", "Change in the management of the policy instrument"),
    ("strategic-focus", "Change in the strategic focus of the policy instrument"),
]

# code, name, unit, category, value_kind, aggregation, higher_is_better, eu_code
INDICATORS = [
    ("ESU-SERVICES", "E-services offered online", "services", "e-service uptake", "count", "latest", True, None),
    ("ESU-ONLINE-SHARE", "Share of requests filed online", "%", "e-service uptake", "percentage", "latest", True, None),
    ("ESU-TRANSACTIONS", "Online transactions in the period", "transactions", "e-service uptake", "count", "sum", True, None),
    ("ESU-USERS", "Unique users of the e-service portal", "users", "e-service uptake", "count", "latest", True, None),
    ("DSK-BASIC", "Residents with at least basic digital skills", "%", "digital skills", "percentage", "latest", True, None),
    ("DSK-TRAINED", "Residents trained in digital skills", "residents", "digital skills", "count", "sum", True, None),
    ("DSK-STAFF", "Municipal staff trained", "staff", "digital skills", "count", "sum", True, None),
    ("STK-MEETINGS", "Stakeholder group meetings", "meetings", "policy progress", "count", "sum", True, None),
    ("RCO14", "Public institutions supported to develop digital services, products and processes", "public institutions", "programme output", "count", "sum", True, "RCO14"),
    ("RCR11", "Users of new and upgraded public digital services, products and processes", "users/year", "programme result", "count", "latest", True, "RCR11"),
    ("RCO81", "Participations in joint actions across borders", "participations", "programme output", "count", "sum", True, "RCO81"),
    ("RCO83", "Strategies and action plans jointly developed", "strategy/action plan", "programme output", "count", "sum", True, "RCO83"),
    ("RCO87", "Organisations cooperating across borders", "organisations", "programme output", "count", "latest", True, "RCO87"),
    ("RCO116", "Jointly developed solutions", "solutions", "programme output", "count", "sum", True, "RCO116"),
    ("RCR79", "Joint strategies and action plans taken up by organisations", "joint strategy/action plan", "programme result", "count", "sum", True, "RCR79"),
    ("RCR104", "Solutions taken up or up-scaled by organisations", "solutions", "programme result", "count", "sum", True, "RCR104"),
]  # fmt: skip

# The indicators' names in the partnership's other languages. The RCO/RCR names follow the wording of the
# ERDF/Interreg regulation's annex (Regulation (EU) 2021/1058, Annex I) in each language as closely as we
# could check it; the municipal indicators' names are ours. Officers correct them on the Setup page.
INDICATOR_NAMES: dict[str, dict[str, str]] = {
    "ESU-SERVICES": {
        "fr": "E-services proposés en ligne", "ro": "Servicii electronice oferite online",
        "hr": "E-usluge dostupne na mreži", "lv": "Tiešsaistē pieejamie e-pakalpojumi",
    },
    "ESU-ONLINE-SHARE": {
        "fr": "Part des demandes déposées en ligne", "ro": "Ponderea cererilor depuse online",
        "hr": "Udio zahtjeva podnesenih na mreži", "lv": "Tiešsaistē iesniegto pieprasījumu īpatsvars",
    },
    "ESU-TRANSACTIONS": {
        "fr": "Transactions en ligne sur la période", "ro": "Tranzacții online în perioadă",
        "hr": "Transakcije na mreži u razdoblju", "lv": "Tiešsaistes darījumi periodā",
    },
    "ESU-USERS": {
        "fr": "Utilisateurs uniques du portail d'e-services",
        "ro": "Utilizatori unici ai portalului de servicii electronice",
        "hr": "Jedinstveni korisnici portala e-usluga", "lv": "E-pakalpojumu portāla unikālie lietotāji",
    },
    "DSK-BASIC": {
        "fr": "Habitants ayant au moins des compétences numériques de base",
        "ro": "Locuitori cu cel puțin competențe digitale de bază",
        "hr": "Stanovnici s barem osnovnim digitalnim vještinama",
        "lv": "Iedzīvotāji ar vismaz pamata digitālajām prasmēm",
    },
    "DSK-TRAINED": {
        "fr": "Habitants formés aux compétences numériques",
        "ro": "Locuitori instruiți în competențe digitale",
        "hr": "Stanovnici osposobljeni za digitalne vještine",
        "lv": "Digitālajās prasmēs apmācītie iedzīvotāji",
    },
    "DSK-STAFF": {
        "fr": "Agents municipaux formés", "ro": "Personal al primăriei instruit",
        "hr": "Osposobljeni djelatnici gradske ili općinske uprave",
        "lv": "Apmācītie pašvaldības darbinieki",
    },
    "STK-MEETINGS": {
        "fr": "Réunions du groupe des parties prenantes", "ro": "Reuniuni ale grupului părților interesate",
        "hr": "Sastanci skupine dionika", "lv": "Ieinteresēto pušu grupas sanāksmes",
    },
    "RCO14": {
        "fr": "Institutions publiques bénéficiant d'un soutien pour développer des services, produits et processus numériques",
        "ro": "Instituții publice sprijinite pentru a dezvolta servicii, produse și procese digitale",
        "hr": "Javne institucije kojima je pružena potpora za razvoj digitalnih usluga, proizvoda i postupaka",
        "lv": "Publiskās iestādes, kas saņēmušas atbalstu digitālo pakalpojumu, produktu un procesu izstrādei",
    },
    "RCR11": {
        "fr": "Utilisateurs de services, produits et processus numériques publics nouveaux et améliorés",
        "ro": "Utilizatori ai serviciilor, produselor și proceselor digitale publice noi și modernizate",
        "hr": "Korisnici novih i unaprijeđenih javnih digitalnih usluga, proizvoda i postupaka",
        "lv": "Jaunu un uzlabotu publisko digitālo pakalpojumu, produktu un procesu lietotāji",
    },
    "RCO81": {
        "fr": "Participations à des actions conjointes transfrontalières",
        "ro": "Participări la acțiuni comune transfrontaliere",
        "hr": "Sudjelovanja u zajedničkim prekograničnim aktivnostima",
        "lv": "Dalība kopīgās pārrobežu darbībās",
    },
    "RCO83": {
        "fr": "Stratégies et plans d'action élaborés conjointement",
        "ro": "Strategii și planuri de acțiune elaborate în comun",
        "hr": "Zajednički razvijene strategije i akcijski planovi",
        "lv": "Kopīgi izstrādātas stratēģijas un rīcības plāni",
    },
    "RCO87": {
        "fr": "Organisations coopérant par-delà les frontières",
        "ro": "Organizații care cooperează peste granițe",
        "hr": "Organizacije koje surađuju preko granica", "lv": "Organizācijas, kas sadarbojas pāri robežām",
    },
    "RCO116": {
        "fr": "Solutions élaborées conjointement", "ro": "Soluții elaborate în comun",
        "hr": "Zajednički razvijena rješenja", "lv": "Kopīgi izstrādāti risinājumi",
    },
    "RCR79": {
        "fr": "Stratégies et plans d'action communs adoptés par des organisations",
        "ro": "Strategii și planuri de acțiune comune adoptate de organizații",
        "hr": "Zajedničke strategije i akcijski planovi koje su preuzele organizacije",
        "lv": "Kopīgas stratēģijas un rīcības plāni, ko pārņēmušas organizācijas",
    },
    "RCR104": {
        "fr": "Solutions adoptées ou étendues par des organisations",
        "ro": "Soluții adoptate sau extinse de organizații",
        "hr": "Rješenja koja su organizacije preuzele ili proširile",
        "lv": "Risinājumi, ko organizācijas pārņēmušas vai paplašinājušas",
    },
}  # fmt: skip

EUROSTAT_EGOV = (
    "isoc_ciegi_ac:I_IUGOV1",
    N_(
        "Individuals 16-74 who used a public authority website or app in the last 12 months "
        "(Eurostat isoc_ciegi_ac, I_IUGOV1; series from 2022)"
    ),
)
EUROSTAT_SKILLS = (
    "isoc_sk_dskl_i21:I_DSK2_BAB",
    N_(
        "Individuals 16-74 with at least basic digital skills (Eurostat isoc_sk_dskl_i21, I_DSK2_BAB)"
    ),
)
_SRC_EGOV_2023 = "https://ec.europa.eu/eurostat/en/web/products-eurostat-news/w/ddn-20240924-2"
_SRC_EGOV_2024 = "https://ec.europa.eu/eurostat/en/web/products-eurostat-news/w/ddn-20250226-1"
_SRC_EGOV_2025 = "https://mreza.bug.hr/internet/usluge-e-uprave-koristi-72--ljudi-u-eu-58199"
_SRC_SKILLS_2023 = "https://europe-data.com/netherlands-boasts-the-highest-share-of-individuals-with-basic-digital-skills"

# Only verified figures (DOMAIN.md); the unverified 2025 HR/LV/FR e-government values are left out.
BENCHMARKS = [
    (EUROSTAT_EGOV, "EU27", 2023, 69.3, _SRC_EGOV_2023),
    (EUROSTAT_EGOV, "EU27", 2024, 70.0, _SRC_EGOV_2024),
    (EUROSTAT_EGOV, "EU27", 2025, 71.9, _SRC_EGOV_2025),
    (EUROSTAT_EGOV, "RO", 2023, 23.0, _SRC_EGOV_2023),
    (EUROSTAT_EGOV, "RO", 2024, 25.3, _SRC_EGOV_2024),
    (EUROSTAT_EGOV, "RO", 2025, 24.1, _SRC_EGOV_2025),
    (EUROSTAT_SKILLS, "EU27", 2023, 55.6, _SRC_SKILLS_2023),
    (EUROSTAT_SKILLS, "RO", 2023, 27.73, _SRC_SKILLS_2023),
    (EUROSTAT_SKILLS, "HR", 2023, 58.95, _SRC_SKILLS_2023),
    (EUROSTAT_SKILLS, "LV", 2023, 45.34, _SRC_SKILLS_2023),
    (EUROSTAT_SKILLS, "FR", 2023, 59.67, _SRC_SKILLS_2023),
    (EUROSTAT_SKILLS, "EU27", 2021, 54.0, _SRC_SKILLS_2023),
    (EUROSTAT_SKILLS, "RO", 2021, 28.0, "https://monitoruldegalati.ro/national/eurostat-romania-este-pe-ultimul-loc-in-ue-la-competente-digitale-de-baza.html"),
    (EUROSTAT_SKILLS, "HR", 2021, 63.0, "https://www.obzoreuropa.hr/novosti-pregled/indeks-digitalne-ekonomije-i-drustva-izvjesce-desi-2022-hrvatska"),
    (EUROSTAT_SKILLS, "LV", 2021, 51.0, "https://digital-strategy.ec.europa.eu/en/factpages/latvia-2024-digital-decade-country-report"),
    (EUROSTAT_SKILLS, "FR", 2021, 62.0, "https://archimag.com/vie-numerique/2023/01/03/performances-numeriques-france-12eme-place-europeenne"),
]  # fmt: skip

# Policy targets drawn as reference lines on the digital-skills page.
# Their labels and the series' names are stored and kept in English, shown with _() when drawn.
SKILLS_POLICY_TARGETS = [("EU27", 80.0, 2030, N_("EU Digital Decade target")), ("LV", 70.0, 2027, N_("Latvia's national target"))]  # fmt: skip


def sync_reporting_periods(session: Session, project_start: date) -> list[ReportingPeriod]:
    """Create the periods for ``project_start`` when missing; existing ones are left as they are.

    Raises ValueError when stored periods disagree with ``project_start`` (observations point at them,
    so they are never moved silently).
    """
    semesters = select(ReportingPeriod).where(ReportingPeriod.is_semester())
    stored = {p.number: p for p in session.scalars(semesters)}
    for spec in period_specs(project_start):
        period = stored.get(spec.number)
        if period is None:
            session.add(
                ReportingPeriod(
                    number=spec.number, label=spec.label, start_date=spec.start_date,
                    end_date=spec.end_date, due_date=spec.due_date, phase=spec.phase,
                )
            )  # fmt: skip
        elif (period.start_date, period.end_date) != (spec.start_date, spec.end_date):
            raise ValueError(
                f"The database holds {spec.label} as {period.start_date}..{period.end_date}, but "
                f"SHARING_PROJECT_START={project_start} gives {spec.start_date}..{spec.end_date}; "
                "set SHARING_PROJECT_START to the date the database was created with"
            )
    session.flush()
    return list(session.scalars(semesters.order_by(ReportingPeriod.number)))


def load_reference_data(session: Session, project_start: date) -> None:
    """Partners, instruments, change types, indicators, benchmarks and periods; idempotent."""
    sync_reporting_periods(session, project_start)
    partners = {p.code: p for p in session.scalars(select(Partner))}
    for order, fields in enumerate(PARTNERS):
        if fields["code"] not in partners:
            partner = Partner(display_order=order, **fields)
            partner.instruments.append(PolicyInstrument(**INSTRUMENTS[fields["code"]]))
            session.add(partner)
    known_types = set(session.scalars(select(ChangeType.code)))
    session.add_all(
        ChangeType(code=c, label=label) for c, label in CHANGE_TYPES if c not in known_types
    )
    known_indicators = set(session.scalars(select(Indicator.code)))
    for order, (code, name, unit, category, kind, aggregation, higher, eu_code) in enumerate(
        INDICATORS
    ):
        if code not in known_indicators:
            translated = {f"name_{lang}": text for lang, text in INDICATOR_NAMES[code].items()}
            session.add(
                Indicator(
                    code=code, name=name, unit=unit, category=category, value_kind=kind,
                    aggregation=aggregation, higher_is_better=higher, eu_code=eu_code,
                    display_order=order, **translated,
                )
            )  # fmt: skip
    known_points = set(map(tuple, session.execute(select(BenchmarkValue.series_code, BenchmarkValue.geo, BenchmarkValue.year))))  # fmt: skip
    for (series_code, series_name), geo, year, value, url in BENCHMARKS:
        if (series_code, geo, year) not in known_points:
            session.add(
                BenchmarkValue(
                    series_code=series_code, series_name=series_name, geo=geo, year=year,
                    value=value, unit="%", source_url=url, verified=True,
                )
            )  # fmt: skip
    session.flush()
