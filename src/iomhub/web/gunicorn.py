"""Serving with gunicorn (several worker processes, each with threads), from ``iomhub serve``."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def serve_with_gunicorn(application: Any, addr: str, workers: int, threads: int) -> None:
    # gunicorn would believe X-Forwarded-Proto from 127.0.0.1 on its own: the application decides
    # which forwarded headers to believe (iomhub.web.proxy), as under waitress.
    _Application(application, {"bind": addr, "workers": workers, "threads": threads,
                               "worker_class": "gthread", "accesslog": None, "timeout": 60,
                               "secure_scheme_headers": {}, "forwarded_allow_ips": "",
                               "post_worker_init": _warm}).run()


def _warm(worker: Any) -> None:
    """Each worker computes the figures of the first pages ahead of its first reader."""
    from iomhub.web.performance.warm import warm_in_background

    warm_in_background()
