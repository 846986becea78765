"""The parts of a page that read the database or register callbacks, split out of their page module
by what they do and imported by that page (Dash Pages treats every module under pages/ as a page).

Components stay pure (dashboard/components); views glue queries, services and components together.
"""
