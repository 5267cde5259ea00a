"""Soak: 20,000 requests through ``eligibility.evaluate`` in one process, flat memory, no error, and
every 10th decision checked against the pure-Python reference evaluator."""

from __future__ import annotations

import gc
import random
import time
from collections import Counter
from typing import Any

import pytest

import eligibility
from eligibility import InputError, Profile, Request, parse_profile, parse_request
from eligibility.engine import reference
from eligibility.explain.evaluate import Evaluator

TOTAL = 20_000
WARM = 2_000

ACTIONS_POSTS = [
    ("appointment", "giam-doc-so"),
    ("appointment", "pho-chu-tich-ubnd-tinh"),
    ("appointment", "chu-tich-ubnd-xa"),
    ("planning", "giam-doc-so"),
    ("reappointment", "pho-giam-doc-so"),
    ("rotation", "bi-thu-dang-uy-xa"),
    ("nonlocal_placement", "chu-tich-ubnd-tinh"),
    ("appointment", "pho-chu-tich-ubnd-huyen"),
]
DATES = [
    "2017-06-01",
    "2019-03-15",
    "2020-12-01",
    "2021-07-31",
    "2021-08-01",
    "2022-08-18",
    "2023-05-10",
    "2024-09-14",
    "2025-06-30",
    "2025-07-01",
    "2025-10-08",
    "2025-11-03",
    "2026-03-01",
]


class ReferenceEngine:
    """The reference evaluator behind the Evaluator's engine interface."""

    def outcomes(self, version: Any, facts: dict[str, object]) -> dict[str, str]:
        return {c.id: reference.evaluate(c.condition, facts) for c in version.criteria}


def rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _profiles(base: dict[str, Any], rnd: random.Random, n: int) -> list[Profile]:
    out = []
    degrees = ["trung cấp", "cao đẳng", "đại học", "thạc sĩ", "tiến sĩ", None]
    theories = ["sơ cấp", "trung cấp", "cao cấp", "cử nhân chính trị", None]
    forms = ["khiển trách", "cảnh cáo", "cách chức", "giáng chức", "hạ bậc lương"]
    for i in range(n):
        d = {k: v for k, v in base.items()}
        d["id"] = f"S-{i}"
        d["sex"] = rnd.choice(["nam", "nữ"])
        y = rnd.randint(1962, 1990)
        d["birth_date"] = rnd.choice(
            [f"{y}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}", f"{rnd.randint(1, 12):02d}/{y}", str(y)]
        )
        edu = dict(base["education"])
        edu["degree"], edu["political_theory"] = rnd.choice(degrees), rnd.choice(theories)
        d["education"] = {k: v for k, v in edu.items() if v is not None}
        if rnd.random() < 0.4:
            decided = f"{rnd.randint(2016, 2025)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            d["discipline"] = [
                {"kind": rnd.choice(["đảng", "chính quyền"]), "form": rnd.choice(forms), "decided": decided}
            ]
        if rnd.random() < 0.2:
            d["discipline"] = [{"kind": "đảng", "form": "cảnh cáo", "status": "đang xem xét"}]
        for key in (
            "health",
            "political_standard",
            "planning",
            "posts",
            "discipline",
            "hometown",
            "party",
            "assessments",
            "asset_declaration",
            "file_verified",
        ):
            if rnd.random() < 0.12:
                d.pop(key, None)
        if rnd.random() < 0.3:
            d["posts"] = [
                {
                    "title": rnd.choice(["pho-giam-doc-so", "truong-phong-so", "pho-chu-tich-ubnd-huyen"]),
                    "from": f"{rnd.randint(2010, 2024)}-0{rnd.randint(1, 9)}-01",
                }
            ]
        out.append(parse_profile(d))
    return out


def _requests(rnd: random.Random) -> list[Request]:
    out = []
    for action, post in ACTIONS_POSTS:
        for date in DATES:
            data: dict[str, Any] = {
                "action": action,
                "post": post,
                "date": date,
                "locality": rnd.choice(["lao-cai", "hai-duong", "long-an", "ha-noi"]),
            }
            if action == "rotation":
                data["rotation_months"] = 36
            try:
                request = parse_request(data)
                eligibility.evaluate(parse_profile({"id": "probe", "sex": "nam", "birth_date": "1970"}), request)
            except InputError:
                continue  # e.g. a district post after 30/6/2025: refused, tested elsewhere
            out.append(request)
    return out


@pytest.mark.filterwarnings("ignore")
def test_soak_20000_requests_flat_memory(example_data: dict[str, Any], rules: Any) -> None:
    rnd = random.Random(20_000)
    profiles = _profiles(example_data, rnd, 400)
    requests = _requests(rnd)
    assert len(requests) >= 60
    ref = Evaluator(rules, engine=ReferenceEngine())
    verdicts: Counter[str] = Counter()
    versions = set()
    checked = 0
    started = time.monotonic()
    rss_warm = 0
    for i in range(TOTAL):
        profile = profiles[i % len(profiles)]
        request = requests[(i * 7 + i // len(profiles)) % len(requests)]
        decision = eligibility.evaluate(profile, request, rules)
        verdicts[decision.verdict] += 1
        if i % 10 == 0:
            expected = ref.evaluate(profile, request)
            got = [(f.criterion, f.outcome) for f in decision.findings]
            assert got == [(f.criterion, f.outcome) for f in expected.findings], (profile.id, request)
            assert decision.verdict == expected.verdict
            versions.add(ref.prepare(request).version.name)
            checked += 1
        if i + 1 == WARM:
            gc.collect()
            rss_warm = rss_kb()
    gc.collect()
    rss_end = rss_kb()
    elapsed = time.monotonic() - started
    print(
        f"\nsoak: {TOTAL} evaluations in {elapsed:.1f} s ({TOTAL / elapsed:.0f}/s, "
        f"incl. {checked} reference checks); "
        f"{len(versions)} rule versions; verdicts {dict(verdicts)}; RSS {rss_warm} kB after {WARM}, "
        f"{rss_end} kB after {TOTAL} (+{rss_end - rss_warm} kB)"
    )
    assert len(versions) >= 20
    assert len(verdicts) >= 3  # the profiles reach several verdicts
    assert rss_end - rss_warm < 4 * 1024, f"RSS grew {rss_end - rss_warm} kB between {WARM} and {TOTAL} requests"


def test_repeated_identical_requests_give_identical_decisions(example_data: dict[str, Any]) -> None:
    request = {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}
    first = eligibility.evaluate(example_data, request).to_dict()
    for _ in range(300):
        assert eligibility.evaluate(example_data, request).to_dict() == first
