"""Publishing without disclosure: the relations between the report's figures, the audit that
bounds every withheld count by linear programming, the suppression (or rounding) that it
checks, and what each publication says it did. ``docs/publication.md`` explains the method;
``reports/suppression.py`` is the entry point (:func:`~iomhub.reports.suppression.suppressed_report`)."""
