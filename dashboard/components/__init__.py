"""Pure layout and figure builders shared by pages; no database access here."""
