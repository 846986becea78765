"""Every business rule, once: how a typed cell is read (cells), what a value may be (values), how a policy
change may move between stages (stages), how reporting periods combine (aggregation), how a problem is
worded (problems, messages) and how numbers and dates are written (formatting).

Below the importer, the services and the pages alike: nothing here touches the database or Dash.
"""
