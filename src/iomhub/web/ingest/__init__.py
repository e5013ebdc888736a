"""Bringing extracts in through the browser (``/data/``): upload, map, preview, import as a job.

For administrators and analysts of a partner agency (``permissions.imports_data``). An upload
and its jobs belong to the agency that uploaded it (``permissions.owns_upload``); its files are
stored under ``IOMHUB_DATA_DIR/uploads/`` and never served back to anyone.
"""
