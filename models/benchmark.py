"""Public reference series (Eurostat and national statistics) drawn as reference lines.

A series with a methodological break is stored under a different series code, so queries never join it.
"""

from sqlalchemy import Float, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class BenchmarkValue(Base):
    __tablename__ = "benchmark_value"
    __table_args__ = (UniqueConstraint("series_code", "geo", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_code: Mapped[str] = mapped_column(String(60))
    series_name: Mapped[str] = mapped_column(String(300))
    geo: Mapped[str] = mapped_column(String(10))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30))
    source_url: Mapped[str] = mapped_column(String(500))
    verified: Mapped[bool] = mapped_column(default=False)
