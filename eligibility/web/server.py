"""Running the page: ``eligibility serve`` → :func:`serve` (uvicorn), loopback by default, a token otherwise."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from eligibility.errors import InputError, Problem
from eligibility.web.app import Settings, create_app

# uvicorn's access log prints each request's address with its query string (where a token may be):
# it is off, and the application logs the method, the path, the status and the time instead
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "eligibility.web": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """A bind beyond this machine needs a token: cadre files are sensitive personal data."""
    if not is_loopback(host) and not token:
        raise InputError(
            Problem(
                "--host",
                "mở trang ra ngoài máy này (địa chỉ không phải 127.0.0.1) cần --token MÃ: hồ sơ cán bộ là dữ liệu "
                "cá nhân nhạy cảm",
                "binding beyond this machine (not a loopback address) requires --token TOKEN: cadre files are "
                "sensitive personal data",
                host,
            )
        )
    if token is not None and len(token) < 12:
        raise InputError(
            Problem("--token", "mã truy cập cần ít nhất 12 ký tự", "the token needs 12 characters or more")
        )


def serve(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    """Serve the page until interrupted."""
    import uvicorn

    settings = settings or Settings()
    check_bind(host, settings.token)
    app = create_app(settings)
    logging.getLogger("eligibility.web").info(
        "Trang kiểm tra: http://%s:%d/ (Ctrl+C để dừng)%s",
        host if ":" not in host else f"[{host}]",
        port,
        " — cần mã truy cập" if settings.token else "",
    )
    uvicorn.run(app, host=host, port=port, access_log=False, log_config=LOG_CONFIG, server_header=False)
