"""Project partners and the policy instrument each one works to improve."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from i18n import N_

from .base import Base

if TYPE_CHECKING:
    from .policy_change import PolicyChange

PARTNER_LEVELS = ("national", "regional", "local")
PARTNER_ROLES = ("lead", "partner")
# What kind of body a partner is: the SHARING project partners, or one of the region's bodies whose
# digitalisation the regional programme funds (seed.region); pages group bodies by it and by county.
# Stored in English (the check constraint); shown with _() in the reader's language.
PROJECT_PARTNER = "project partner"
BODY_TYPES = (
    N_("project partner"),
    N_("municipality"),
    N_("county council"),
    N_("agency"),
)
# Stored in English (the check constraint); shown with _() in the reader's language.
INSTRUMENT_KINDS = (
    N_("legal framework"),
    N_("ERDF programme"),
    N_("development plan"),
    N_("local programme"),
    N_("territorial operation"),
)


class Partner(Base):
    __tablename__ = "partner"
    __table_args__ = (
        CheckConstraint(f"level IN {PARTNER_LEVELS}", name="level_known"),
        CheckConstraint(f"role IN {PARTNER_ROLES}", name="role_known"),
        CheckConstraint(f"body_type IN {BODY_TYPES}", name="body_type_known"),
        Index("ix_partner_county_body_type", "county", "body_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166 alpha-2, as Eurostat's geo codes
    nuts_code: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20), default="partner")
    display_order: Mapped[int] = mapped_column(default=0)
    body_type: Mapped[str] = mapped_column(String(20), default=PROJECT_PARTNER)
    # The county a region body belongs to (its NUTS-3 code is ``nuts_code``); None for the project
    # partners, which are not grouped by county.
    county: Mapped[str | None] = mapped_column(String(60))

    instruments: Mapped[list[PolicyInstrument]] = relationship(
        back_populates="partner", order_by="PolicyInstrument.id"
    )

    def __repr__(self) -> str:
        return f"<Partner {self.code}>"


class PolicyInstrument(Base):
    __tablename__ = "policy_instrument"
    __table_args__ = (CheckConstraint(f"kind IN {INSTRUMENT_KINDS}", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    managing_body: Mapped[str] = mapped_column(String(300))
    is_structural_funds: Mapped[bool] = mapped_column(default=False)
    legal_reference: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(500))

    partner: Mapped[Partner] = relationship(back_populates="instruments")
    changes: Mapped[list[PolicyChange]] = relationship(
        back_populates="instrument", order_by="PolicyChange.id"
    )
