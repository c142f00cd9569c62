"""`tiegraph backtest` and `tiegraph tune` from files: tables, JSON and the picture."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from tests.rlists import FIRM, rlists_slice
from tiegraph.settings import get_settings


@pytest.fixture
def firm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TIEGRAPH_FIRM_DOMAINS", FIRM)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_backtest_writes_json_and_a_picture(
    tmp_path: Path, firm: None, capsys: pytest.CaptureFixture[str]
) -> None:
    mail = rlists_slice(tmp_path, 2_000)
    out, svg = tmp_path / "bt.json", tmp_path / "bt.svg"
    code = main(["backtest", "--from", str(mail), "--every", "4w", "--horizon", "30d", "--split", "2004-07-01",
                 "--json", str(out), "--svg", str(svg)])  # fmt: skip
    assert code == 0
    data = json.loads(out.read_text())
    assert data["evaluation"]["first_cutoff"] >= "2004-07-01"
    assert set(data["all"]["auc"]) == {"score", "interactions_90d", "days_since_last",
                                       "lifetime_count", "decayed_count_90d"}  # fmt: skip
    assert svg.read_text().startswith("<svg")
    assert "decayed_count_90d" in capsys.readouterr().out


def test_a_bad_profile_file_is_named_with_its_field(tmp_path: Path, firm: None) -> None:
    mail = rlists_slice(tmp_path, 200)
    profile = tmp_path / "profile.json"
    profile.write_text('{"freshness_floor": 0}')
    assert main(["backtest", "--from", str(mail), "--profile", str(profile)]) == 1


def test_tune_proposes_changes_within_its_budget(
    tmp_path: Path, firm: None, capsys: pytest.CaptureFixture[str]
) -> None:
    mail = rlists_slice(tmp_path, 2_000)
    out = tmp_path / "tune.json"
    code = main(["tune", "--from", str(mail), "--every", "4w", "--horizon", "30d", "--split", "2004-07-01",
                 "--budget", "5", "--json", str(out)])  # fmt: skip
    assert code == 0
    data = json.loads(out.read_text())
    assert data["evaluations"] <= 7  # the last knob's two candidates may pass the budget
    assert data["fit_auc"]["proposed"] >= data["fit_auc"]["current"]
    assert "proposed_changes" in capsys.readouterr().out
