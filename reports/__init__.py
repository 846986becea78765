"""The steering committee's period report, from the same view model as the meeting slides
(dashboard.queries.meeting.Meeting), without Dash:

- ``wording``: every title, sentence and source line the slides, the PDF and the workbook share, written
  in the current language when called (so the three say the same thing in the same words);
- ``charts``: each topic's chart as a neutral specification (``BarChart``), drawn by plotly on the slides
  (dashboard/components/slides.py) and by ReportLab in the PDF (``pdf_charts``);
- ``pdf``: the A4 report (ReportLab: vector charts, repeated table headers, page numbers, DejaVu Sans);
- ``xlsx``: the same period as a workbook, one sheet per topic (openpyxl).
"""
