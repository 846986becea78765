"""``/healthz``: a probe for load balancers and the soak test; answers once the database does."""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text

from dashboard.database import read_session


def register_health_probe(server: Flask) -> None:
    @server.get("/healthz")
    def health():
        with read_session() as session:
            session.execute(text("SELECT 1"))
        return jsonify(status="ok")
