"""The web page's routes through FastAPI's test client: the API is the library's (the JSON of `check --format
json`, the CLI's problems), the token, the upload limit, temporary folders, and no personal data in the log."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE, ROOT
from fastapi.testclient import TestClient

from eligibility import api
from eligibility.cli import main
from eligibility.web import Settings, create_app
from eligibility.web import form as fm

REQUEST = {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}
CLI = ["--action", "appointment", "--post", "giam-doc-so", "--locality", "lao-cai", "--date", "2025-11-03"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    root = tmp_path_factory.mktemp("web-tmp")
    return TestClient(create_app(Settings(tmp_root=str(root), max_upload_mb=1)))


def _example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))


def test_api_check_returns_exactly_the_json_of_the_cli(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE), *CLI, "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    r = client.post("/api/check", json={"profile": _example(), "request": REQUEST})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == cli


def test_a_bad_profile_gets_422_with_the_cli_problems(
    client: TestClient, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = {**_example(), "birth_date": "1972-13-40", "education": {"degree": "giỏi"}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    assert main(["check", str(path), *CLI]) == 2
    err = capsys.readouterr().err
    r = client.post("/api/check", json={"profile": bad, "request": REQUEST})
    assert r.status_code == 422
    errors = r.json()["errors"]
    with pytest.raises(api.InputError) as exc:
        api.evaluate(bad, REQUEST)
    assert errors == [{"field": p.location, "value": str(p.value), "vi": p.vi, "en": p.en} for p in exc.value.problems]
    assert {e["field"] for e in errors} == {"birth_date", "education.degree"}
    for e in errors:
        assert e["vi"] in err and e["en"] in err  # the same words as the command line
    r = client.post("/api/check", json={"profile": _example()})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"


def test_api_screen_returns_the_pool_report(client: TestClient) -> None:
    with (ROOT / "examples" / "pool.xlsx").open("rb") as fh:
        r = client.post(
            "/api/screen",
            files={"file": ("pool.xlsx", fh)},
            data={"request": json.dumps(REQUEST)},
        )
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert report["rows"] == 300 and sum(report["verdicts"].values()) == 300
    with (ROOT / "examples" / "pool.xlsx").open("rb") as fh:
        r = client.post("/api/screen", files={"file": ("pool.xlsx", fh)}, data={"request": "{", "format": "json"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "request"


def test_the_docs_and_the_openapi_schema_are_served_locally(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "swagger" in page.lower() and "cdn" not in page.lower() and "https://" not in page
    schema = client.get("/openapi.json").json()
    assert {"/api/check", "/api/screen"} <= set(schema["paths"])


def test_the_form_round_trips_a_profile(client: TestClient) -> None:
    rules = api.default_rules()
    profile = api.profile_of(EXAMPLE)
    form = fm.from_profile(profile, REQUEST, rules)
    assert form.get("post") == "Giám đốc Sở (và tương đương)" and form.get("date") == "03/11/2025"
    again = api.profile_of(fm.profile_dict(form, rules))
    assert again == profile
    assert fm.request_dict(form, rules) == {**REQUEST, "date": "03/11/2025"}
    r = client.post("/profile.yaml", data=form.values)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert api.profile_of(yaml.safe_load(r.text)) == profile


@pytest.mark.parametrize(
    "leave",
    [
        [],
        [{"from": "2026-09-01", "to": "2027-02-28"}],
        [{"from": "2019-03-01", "to": "2019-08-31"}, {"from": "2026-09-01"}],
    ],
)
def test_maternity_leave_is_a_form_field_and_round_trips(leave: list[dict[str, str]]) -> None:
    """Maternity leave (NĐ 170 Điều 36 as amended by NĐ 300) is shown and edited in the form: the latest
    period, or "Không nghỉ chế độ thai sản"; earlier periods are kept. Left blank, it stays unknown."""
    rules = api.default_rules()
    profile = api.profile_of({**_example(), "maternity_leave": leave})
    form = fm.from_profile(profile, REQUEST, rules)
    if leave:
        assert form.get("maternity_from") == "01/09/2026" and not form.get("maternity_none")
    else:
        assert form.get("maternity_none") == "on" and not form.get("maternity_from")
    assert api.profile_of(fm.profile_dict(form, rules)) == profile
    blank = fm.FormData({k: v for k, v in form.values.items() if not k.startswith("maternity")}, form.rows)
    left = api.profile_of(fm.profile_dict(blank, rules)).maternity_leave
    assert [x.model_dump(mode="json", by_alias=True) for x in left or []] == leave[:-1]
    assert (left is None) == (len(leave) < 2)  # nothing shown and no earlier period: not recorded (unknown)


def test_months_in_the_form_read_as_the_first_and_last_day(client: TestClient) -> None:
    data = fm.form_data(
        {
            "sex": "nam",
            "birth_date": "1970",
            "post-0-title": "Phó Giám đốc Sở",
            "post-0-from": "03/2019",
            "post-0-to": "02/2024",
        }
    )
    posts = fm.profile_dict(data, api.default_rules())["posts"]
    assert posts == [{"title": "pho-giam-doc-so", "from": "01/03/2019", "name": "Phó Giám đốc Sở", "to": "29/02/2024"}]


def test_a_form_error_names_the_field_in_vietnamese(client: TestClient) -> None:
    r = client.post(
        "/",
        data={
            "sex": "male",
            "birth_date": "31/02/1980",
            "action": "appointment",
            "post": "Giám đốc Sở (và tương đương)",
        },
    )
    assert r.status_code == 422
    box = r.text.split('<div class="problems"')[1].split("</div>")[0]
    assert "<b>Ngày sinh</b>: ngày không tồn tại" in box and "birth_date" not in box


def test_prefill_from_one_row_of_a_pool(client: TestClient) -> None:
    with (ROOT / "examples" / "pool.xlsx").open("rb") as fh:
        r = client.post("/prefill", files={"file": ("pool.xlsx", fh)}, data={"row": "2"})
    assert r.status_code == 200 and "Đã nạp" in r.text and 'value="Phạm A Páo"' in r.text


def test_the_rules_pages(client: TestClient) -> None:
    index = client.get("/rules").text
    assert "/rules/appointment.planning.in_plan" in index and "Bổ nhiệm" in index
    page = client.get("/rules/appointment.planning.in_plan").text
    assert (
        "377-QĐ/TW" in page
        and "Ca mẫu kiểm chứng" in page
        and "planning_qd80.yaml" in page
        or "appointment.yaml" in page
    )
    assert client.get("/rules/no.such").status_code == 404


def test_a_token_is_needed_on_every_request_when_set() -> None:
    c = TestClient(create_app(Settings(token="s3cret-token-123")))
    assert c.get("/").status_code == 401
    assert c.post("/api/check", json={}).status_code == 401
    assert c.get("/", headers={"Authorization": "Bearer wrong-token-000"}).status_code == 401
    assert c.get("/", headers={"Authorization": "Bearer s3cret-token-123"}).status_code == 200
    r = c.get("/rules?token=s3cret-token-123", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/rules" and "eligibility_token" in r.headers["set-cookie"]
    assert c.get("/rules").status_code == 200  # the cookie now carries it


def test_serving_beyond_loopback_needs_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "8765"]) == 2
    err = capsys.readouterr().err
    assert "--token" in err and "dữ liệu cá nhân" in err and "Traceback" not in err
    assert main(["serve", "--host", "192.168.1.10", "--token", "short"]) == 2


def test_uploads_over_the_limit_are_refused(client: TestClient) -> None:
    big = b"x" * (1024 * 1024 + 10)
    r = client.post("/prefill", files={"file": ("big.yaml", big)})
    assert r.status_code == 413 and "tối đa 1 MB" in r.text


def test_temporary_folders_are_removed(tmp_path: Path) -> None:
    app = create_app(Settings(tmp_root=str(tmp_path), keep_seconds=3600))
    c = TestClient(app)
    with EXAMPLE.open("rb") as fh:
        assert c.post("/prefill", files={"file": ("p.yaml", fh)}).status_code == 200
    assert list(tmp_path.iterdir()) == []  # removed when the response is done
    with (ROOT / "examples" / "pool.xlsx").open("rb") as fh:
        r = c.post(
            "/screen",
            files={"file": ("pool.xlsx", fh)},
            data={"action": "planning", "date": "01/10/2025"},
            follow_redirects=False,
        )
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[1]
    for _ in range(600):
        if c.get(f"/screen/{job_id}/progress").json()["state"] != "running":
            break
        time.sleep(0.1)
    assert c.get(f"/screen/{job_id}/progress").json()["state"] == "done"
    [folder] = list(tmp_path.iterdir())
    assert sorted(p.name for p in folder.iterdir()) == ["bao-cao.html", "bao-cao.jsonl", "bao-cao.xlsx"]  # upload gone
    assert c.get(f"/screen/{job_id}/bao-cao.xlsx").status_code == 200
    jobs = app.state.jobs
    assert jobs.sweep(now=time.monotonic() + 3601) == 1
    assert list(tmp_path.iterdir()) == [] and c.get(f"/screen/{job_id}").status_code == 404


def test_nothing_personal_is_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    form = fm.from_profile(api.profile_of(EXAMPLE), REQUEST, api.default_rules())
    with caplog.at_level(logging.DEBUG):
        assert client.post("/", data=form.values).status_code == 200
        client.post("/api/check", json={"profile": {**_example(), "birth_date": "1972-13-40"}, "request": REQUEST})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST / 200" in text and "POST /api/check 422" in text
    for secret in ("Nguyễn Văn An", "LC-0001", "1972", "Nam Định", "Sở Tư pháp"):
        assert secret not in text


def test_pages_load_nothing_from_another_site(client: TestClient) -> None:
    for path in ("/", "/screen", "/rules"):
        page = client.get(path).text
        assert 'src="http' not in page and 'href="http' not in page.replace('href="http://testserver', "")
