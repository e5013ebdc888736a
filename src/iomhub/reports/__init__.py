"""The report model and its renderers (JSON, HTML)."""
