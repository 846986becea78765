"""Workbooks the product writes: the partner's reporting template, the annotated workbook returned with
its problems marked, exports of observations, and the setup workbook."""
