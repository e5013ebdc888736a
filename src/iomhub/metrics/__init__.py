"""The report's figures as pure functions from canonical tables to tables.

Each module holds one section of the report. Functions take Narwhals lazy frames (over
Polars in-process, or PySpark for national-scale data) and return Narwhals lazy frames;
they never read files or settings and never import Django (a test enforces it).
The definitions are those of ``docs/spec/report-json.md``.
"""
