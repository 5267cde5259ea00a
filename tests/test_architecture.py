"""The shape docs/ARCHITECTURE.md describes, held by tests: layers (a module imports only its own layer or
lower ones, and never in a circle), module size, the facade, and the fact catalogue as the one place
fact and input metadata are declared."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from conftest import ROOT

import eligibility
from eligibility import api

PACKAGE = ROOT / "eligibility"

# lowest first; a module belongs to the longest prefix listed (docs/ARCHITECTURE.md, "Layers")
LAYERS: list[tuple[str, ...]] = [
    ("eligibility.errors", "eligibility.serialize", "eligibility.progress", "eligibility.templates"),
    ("eligibility.model",),
    ("eligibility.facts",),
    ("eligibility.rulepack",),
    ("eligibility.engine",),
    ("eligibility.explain",),
    ("eligibility.explain.timeline",),
    ("eligibility.batch", "eligibility.golden"),
    ("eligibility.linter", "eligibility.mutate"),
    ("eligibility.api",),
    ("eligibility",),
    ("eligibility.cli", "eligibility.web"),
]


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def layer(module: str) -> int:
    best, found = -1, -1
    for i, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best:
                best, found = len(p), i
    assert found >= 0, module
    return found


def imports(module: str) -> set[str]:
    """The package's modules that ``module`` imports (anywhere in it, also inside functions)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module for a in node.names
            ]
        else:
            continue
        out.update(n for n in names if n in MODULES and n != module)
    return out


GRAPH = {m: imports(m) for m in MODULES}


def test_no_module_imports_a_layer_above_it() -> None:
    upward = [(m, t) for m, targets in GRAPH.items() for t in targets if layer(t) > layer(m)]
    assert upward == []


def test_no_import_cycle() -> None:
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in sorted(GRAPH[m]):
            if state.get(t) == 1:
                cycles.append(path[path.index(t) :] + [t] if t in path else [m, t])
            elif t not in state:
                visit(t, path + [t])
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m, [m])
    # a package importing its own submodules to re-export them is not a cycle of logic
    real = [
        c
        for c in cycles
        if not all(a.startswith(b + ".") or b.startswith(a + ".") for a, b in zip(c, c[1:], strict=False))
    ]
    assert real == []


def test_only_the_adapter_imports_durable_rules() -> None:
    def durable(module: str) -> bool:
        for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("durable", "durable_rules_engine") for n in names):
                return True
        return False

    assert [m for m in MODULES if durable(m)] == ["eligibility.engine.durable_adapter"]


def test_the_reference_evaluator_is_for_tests_only() -> None:
    assert not [m for m, targets in GRAPH.items() if "eligibility.engine.reference" in targets]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_800_lines(module: str) -> None:
    assert len(MODULES[module].read_text(encoding="utf-8").splitlines()) <= 800


def test_every_job_has_a_public_function() -> None:
    for name in ("evaluate", "explain", "derive", "retirement", "screen_file", "compare_files", "lint", "run_cases"):
        assert name in eligibility.__all__ and callable(getattr(eligibility, name)), name
        assert inspect.getdoc(getattr(api, name)), name
    for name in ("Screener", "Timeline", "Comparison", "ScreenRun"):
        assert name in eligibility.__all__ and inspect.isclass(getattr(eligibility, name)), name


def test_fact_metadata_is_declared_once_in_the_catalogue() -> None:
    from eligibility.batch.columns import BY_KEY
    from eligibility.batch.mapping import column_of
    from eligibility.facts.catalog import FACTS, INPUTS

    used = {i for f in FACTS.values() for i in f.inputs}
    assert used <= set(INPUTS), used - set(INPUTS)
    for name, spec in INPUTS.items():
        assert spec.kind in ("immutable", "record", "profile", "request"), name
        if spec.column is not None:  # the column the catalogue names is the one that holds the field
            assert spec.column in BY_KEY and column_of(name)[0] == spec.column, name
        else:
            assert name.startswith("request."), name
    for name, spec in FACTS.items():
        assert not (spec.type == "code" and not spec.codes), name
