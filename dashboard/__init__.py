"""SHARING Monitor web app. Import ``dashboard.app.create_app`` to build one; nothing is built here."""
