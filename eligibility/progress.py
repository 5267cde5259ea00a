"""How long-running library calls report progress: a plain callable, so that any shell shows it its own way.

``progress(done, total)`` is called after each unit of work (a pool row, a compared profile, a rule
mutant): ``done`` counts the units finished, ``total`` is how many are expected (``None`` when not
known in advance). The command line turns it into a tqdm bar (``eligibility.cli.options.progress_bar``);
a web page would push it to the browser; a test can record it.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int | None], None]
