"""``serve``: the officers' web page (``eligibility.web``, the ``web`` extra), on this machine by default."""

from __future__ import annotations

import click

from eligibility.errors import InputError, Problem


@click.command(help="trang web kiểm tra cho cán bộ tổ chức / the officers' web page (needs the 'web' extra)")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (loopback by default)")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--token", default=None, envvar="ELIGIBILITY_TOKEN", help="required on every request (a must beyond loopback)"
)
@click.option(
    "--max-upload-mb", default=20.0, show_default=True, type=click.FloatRange(0.1, 2048), help="largest upload"
)
@click.option("--rules", default=None, help="rule-pack directory (default: the bundled rules/)")
def serve(host: str, port: int, token: str | None, max_upload_mb: float, rules: str | None) -> int:
    try:
        from eligibility.web import Settings
        from eligibility.web import serve as run
    except ImportError as exc:
        raise InputError(
            Problem(
                "serve",
                "cần cài phần web: pip install 'eligibility[web]'",
                "the web extra is needed: pip install 'eligibility[web]'",
                exc.name,
            )
        ) from None
    run(host, port, Settings(token=token, max_upload_mb=max_upload_mb, rules=rules))
    return 0
