"""The per-user rule-pack cache: used only for the very files and code it was written from, never trusted
when someone else could have written it, and the same rule pack as loading the YAML."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from eligibility import evaluate, load_rules
from eligibility.errors import RulePackError
from eligibility.rulepack import cache, loader


@pytest.fixture()
def pack_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled rules and a private cache folder for this test."""
    monkeypatch.setenv("ELIGIBILITY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ELIGIBILITY_CACHE", raising=False)
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    return rules


def _no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> Any:
        raise AssertionError(f"read {path} from YAML")

    monkeypatch.setattr(loader, "read_yaml", refuse)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("rulepack-*.pickle")) if folder.is_dir() else []


def test_a_cached_pack_is_the_pack_and_skips_the_yaml(pack_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = cache.load_rules_cached(pack_dir)
    assert len(_files(pack_dir.parent / "cache")) == 1
    _no_yaml(monkeypatch)
    cached = cache.load_rules_cached(pack_dir)
    assert cached.hash == fresh.hash
    assert [(c.id, c.spec, c.condition, c.applies_when) for c in cached.criteria] == [
        (c.id, c.spec, c.condition, c.applies_when) for c in fresh.criteria
    ]
    assert cached.titles == fresh.titles and cached.parameters == fresh.parameters
    request = {"action": "appointment", "post": "giam-doc-so", "locality": "hai-duong", "date": "2025-11-03"}
    profile = ROOT / "examples" / "profile.yaml"
    assert evaluate(profile, request, cached) == evaluate(profile, request, fresh)


def test_a_changed_rule_file_is_read_again(pack_dir: Path) -> None:
    first = cache.load_rules_cached(pack_dir)
    titles = pack_dir / "titles.yaml"
    titles.write_text(titles.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = cache.load_rules_cached(pack_dir)
    assert second.hash != first.hash
    assert second.hash == load_rules(pack_dir).hash


def test_other_code_means_a_reload(pack_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.load_rules_cached(pack_dir)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version of the package")
    calls: list[Path] = []
    real = cache.load_rules

    def counting(base: Any = None) -> Any:
        calls.append(base)
        return real(base)

    monkeypatch.setattr(cache, "load_rules", counting)
    cache.load_rules_cached(pack_dir)
    assert calls == [pack_dir]


def test_a_damaged_or_foreign_cache_is_passed_over(pack_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = cache.load_rules_cached(pack_dir)
    (path,) = _files(pack_dir.parent / "cache")
    path.write_bytes(path.read_bytes()[:500])  # truncated
    assert cache.load_rules_cached(pack_dir).hash == good.hash  # loaded from YAML, and written again
    os.chmod(path, 0o666)  # anyone could have written it: never unpickled
    _no_yaml(monkeypatch)
    with pytest.raises(AssertionError, match="from YAML"):
        cache.load_rules_cached(pack_dir)


def test_turned_off_and_bad_packs_write_nothing(pack_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELIGIBILITY_CACHE", "0")
    cache.load_rules_cached(pack_dir)
    assert _files(pack_dir.parent / "cache") == []
    monkeypatch.delenv("ELIGIBILITY_CACHE")
    (pack_dir / "regimes.yaml").write_text("regimes: [{id: x}]\n", encoding="utf-8")
    with pytest.raises(RulePackError):
        cache.load_rules_cached(pack_dir)
    assert _files(pack_dir.parent / "cache") == []
