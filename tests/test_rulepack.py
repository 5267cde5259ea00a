"""Rule-pack load errors name the file and the line; ``eligibility rules lint`` fails on them.

Each test copies the bundled ``rules/`` to a temporary directory and breaks one thing in one file.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from eligibility.cli import main
from eligibility.errors import Problem, RulePackError
from eligibility.rulepack import load_rules


@pytest.fixture()
def pack(tmp_path: Path) -> Path:
    dest = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", dest)
    return dest


def _block(path: Path, cid: str) -> tuple[list[str], int, int]:
    """The lines of a file and the [start, end) line indexes of criterion ``cid`` (a ``- id: cid`` item)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if re.fullmatch(rf"\s*- id: {re.escape(cid)}\s*", ln))
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= indent
        ),
        len(lines),
    )
    return lines, start, end


def edit_criterion(path: Path, cid: str, old: str, new: str) -> tuple[int, int]:
    """Replace ``old`` by ``new`` in the first line of criterion ``cid`` holding it; 1-based (start, edited) lines."""
    lines, start, end = _block(path, cid)
    for i in range(start, end):
        if old in lines[i]:
            lines[i] = lines[i].replace(old, new, 1)
            path.write_text("".join(lines), encoding="utf-8")
            return start + 1, i + 1
    raise AssertionError(f"{old!r} not in criterion {cid} of {path}")


def insert_after(path: Path, cid: str, text: str) -> int:
    """Insert ``text`` as the criterion's second line; its 1-based start line."""
    lines, start, _ = _block(path, cid)
    lines.insert(start + 1, text)
    path.write_text("".join(lines), encoding="utf-8")
    return start + 1


def load_problems(root: Path) -> list[Problem]:
    with pytest.raises(RulePackError) as info:
        load_rules(root)
    assert info.value.title_en == "Invalid rule pack"
    return info.value.problems


def at(problems: list[Problem], path: Path, needle: str) -> tuple[Problem, int]:
    """The problem mentioning ``needle`` and its line in ``path``."""
    hits = [p for p in problems if needle in p.en]
    assert hits, (needle, [p.render("en") for p in problems])
    p = hits[0]
    m = re.fullmatch(rf"{re.escape(str(path))}:(\d+)(?: \(.*\))?", p.location)
    assert m, p.location
    assert needle in p.vi or needle in p.render("vi")
    return p, int(m.group(1))


def lint_exit(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["rules", "lint", "--rules", str(root), "--cases", str(ROOT / "cases")])
    return code, capsys.readouterr().out


def test_an_unchanged_copy_loads_and_lints(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = load_rules(pack)
    assert rules.criteria and rules.hash == load_rules(ROOT / "rules").hash
    code, out = lint_exit(pack, capsys)
    assert code == 0, out


def test_unknown_key(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = pack / "criteria" / "appointment.yaml"
    start = insert_after(path, "appointment.health", "    severity: high\n")
    p, line = at(load_problems(pack), path, "severity")
    assert "Extra inputs are not permitted" in p.en
    assert line == start
    code, out = lint_exit(pack, capsys)
    assert code == 1 and "severity" in out and f"appointment.yaml:{start}" in out


def test_misplaced_block(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A parameters block written into a criteria file."""
    path = pack / "criteria" / "common.yaml"
    before = path.read_text(encoding="utf-8")
    block_line = before.count("\n") + 1
    path.write_text(
        before + "parameters:\n  common.extra_months:\n    vi: x\n    en: x\n    unit: months\n"
        "    values: [{from: 2020-01-01, value: 12, source: {id: nd-138-2020, article: x, tag: P}}]\n",
        encoding="utf-8",
    )
    p, line = at(load_problems(pack), path, "parameters")
    assert "Extra inputs are not permitted" in p.en
    assert line in (block_line, block_line + 1)
    assert lint_exit(pack, capsys)[0] == 1


def test_message_block_misplaced_inside_the_condition(pack: Path) -> None:
    path = pack / "criteria" / "appointment.yaml"
    _, line_no = edit_criterion(
        path,
        "appointment.health",
        "condition: {fact: health_fit, eq: true}",
        "condition: {fact: health_fit, eq: true, message: {pass: x}}",
    )
    p, line = at(load_problems(pack), path, "comparison needs 'fact' and exactly one of")
    assert line == line_no


def test_undefined_fact(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = pack / "criteria" / "appointment.yaml"
    _, line_no = edit_criterion(path, "appointment.health", "fact: health_fit", "fact: health_fitt")
    p, line = at(load_problems(pack), path, "undefined fact 'health_fitt'")
    assert line == line_no and "appointment.health" in p.en
    assert "không tồn tại" in p.vi
    code, out = lint_exit(pack, capsys)
    assert code == 1 and "health_fitt" in out


def test_undefined_parameter(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = pack / "criteria" / "appointment.yaml"
    _, line_no = edit_criterion(
        path,
        "appointment.age.months_to_retirement",
        "{param: appointment.min_months_to_retirement}",
        "{param: appointment.min_months_to_retirment}",
    )
    p, line = at(load_problems(pack), path, "undefined parameter 'appointment.min_months_to_retirment'")
    assert line == line_no
    assert lint_exit(pack, capsys)[0] == 1


def test_parameter_read_outside_its_dated_window(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The first-appointment caps end on 2020-11-30; a criterion in force until 2021 would read nothing."""
    path = pack / "criteria" / "appointment.yaml"
    start, _ = edit_criterion(path, "appointment.age.first_appointment_cap", "until: 2020-11-30", "until: 2021-12-31")
    problems = load_problems(pack)
    p, line = at(problems, path, "has no value from 2020-12-01 within the criterion's window")
    assert "appointment.first_max_age_male_months" in p.en or "appointment.first_max_age_female_months" in p.en
    assert start <= line <= start + 12
    assert "không có giá trị từ 2020-12-01" in p.vi
    assert lint_exit(pack, capsys)[0] == 1


def test_parameter_window_with_a_gap(pack: Path) -> None:
    path = pack / "parameters" / "age.yaml"
    text = path.read_text(encoding="utf-8")
    assert "      - from: 2021-08-01\n        until: 2022-08-17\n" in text
    path.write_text(
        text.replace(
            "      - from: 2021-08-01\n        until: 2022-08-17\n",
            "      - from: 2021-09-01\n        until: 2022-08-17\n",
            1,
        ),
        encoding="utf-8",
    )
    p, _ = at(load_problems(pack), pack / "criteria" / "appointment.yaml", "has no value from 2021-08-01")
    assert "appointment.min_months_to_retirement" in p.en


def test_unknown_source_id(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = pack / "criteria" / "appointment.yaml"
    _, line_no = edit_criterion(path, "appointment.health", "source: {id: nd-138-2020", "source: {id: nd-138-2021")
    p, line = at(load_problems(pack), path, "source 'nd-138-2021' is not in sources.yaml")
    assert line == line_no
    code, out = lint_exit(pack, capsys)
    assert code == 1 and "nd-138-2021" in out


def test_unknown_source_id_in_a_parameter(pack: Path) -> None:
    path = pack / "parameters" / "age.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(i for i, ln in enumerate(lines) if "source: {id: " in ln)
    lines[i] = re.sub(r"source: \{id: [^,}]+", "source: {id: no-such-document", lines[i], count=1)
    path.write_text("".join(lines), encoding="utf-8")
    p, line = at(load_problems(pack), path, "source 'no-such-document' is not in sources.yaml")
    assert 1 <= line <= i + 1


def test_message_template_with_an_unknown_placeholder(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = pack / "criteria" / "appointment.yaml"
    _, line_no = edit_criterion(
        path, "appointment.health", 'pass: {vi: "Đủ sức khỏe."', 'pass: {vi: "Đủ sức khỏe ({health_fitness})."'
    )
    p, line = at(load_problems(pack), path, "message template uses {health_fitness}")
    assert line_no - 2 <= line <= line_no
    code, out = lint_exit(pack, capsys)
    assert code == 1 and "health_fitness" in out


def test_every_problem_is_reported_at_once(pack: Path) -> None:
    path = pack / "criteria" / "appointment.yaml"
    edit_criterion(path, "appointment.health", "fact: health_fit", "fact: health_fitt")
    edit_criterion(
        path, "appointment.age.months_to_retirement", "{param: appointment.min_months_to_retirement}", "{param: nope}"
    )
    problems = load_problems(pack)
    assert any("health_fitt" in p.en for p in problems) and any("'nope'" in p.en for p in problems)


def test_yaml_syntax_error_has_file_and_line(pack: Path) -> None:
    path = pack / "criteria" / "rotation.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(3, "  - id: [unclosed\n")
    path.write_text("".join(lines), encoding="utf-8")
    p = load_problems(pack)[0]
    m = re.fullmatch(rf"{re.escape(str(path))}:(\d+)", p.location)
    assert m and 4 <= int(m.group(1)) <= 6, p.location


def test_cli_reports_a_broken_pack_as_bad_input(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = pack / "criteria" / "appointment.yaml"
    edit_criterion(path, "appointment.health", "fact: health_fit", "fact: health_fitt")
    code = main(
        [
            "check",
            str(ROOT / "examples" / "profile.yaml"),
            "--action",
            "appointment",
            "--post",
            "giam-doc-so",
            "--date",
            "2025-11-03",
            "--rules",
            str(pack),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "Bộ quy tắc không hợp lệ / Invalid rule pack" in err and "health_fitt" in err and "Traceback" not in err
