"""The officers' web page, ``eligibility serve``: a shell over the library facade (layer 11, beside the CLI).

It imports the facade and the templates; nothing in the library imports it (the CLI's ``serve`` command
loads it when run). :func:`create_app` builds the FastAPI application; :func:`serve` runs it with uvicorn.
Needs the ``web`` extra: ``pip install 'eligibility[web]'``.
"""

from __future__ import annotations

from eligibility.web.app import Settings, create_app
from eligibility.web.server import serve

__all__ = ["Settings", "create_app", "serve"]
