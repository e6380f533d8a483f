"""`userlens ingest` through dashboard.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.cli import main


@pytest.fixture
def wspath(tmp_path: Path) -> str:
    return str(tmp_path / "w.duckdb")


def _csv(tmp_path: Path, text: str, name: str = "e.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_json_output_and_map_set(tmp_path: Path, wspath: str, capsys: pytest.CaptureFixture) -> None:
    f = _csv(tmp_path, "CustomerID,InvoiceDate,Qty\n17850.0,2010-12-01 08:26:00,6\n,2010-12-01 08:26:00,1\n")
    code = main(
        [
            "ingest",
            "events",
            f,
            "--workspace",
            wspath,
            "--map",
            "user_id=CustomerID",
            "--map",
            "ts=InvoiceDate",
            "--set",
            "event=purchase",
            "--format",
            "json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {k: out[k] for k in ("kind", "rows_read", "rows_loaded", "rows_rejected", "reject_reasons")} == {
        "kind": "events",
        "rows_read": 2,
        "rows_loaded": 1,
        "rows_rejected": 1,
        "reject_reasons": {"missing user_id": 1},
    }
    assert isinstance(out["batch_id"], int)


def test_table_output_timezone_and_replace(
    tmp_path: Path, wspath: str, capsys: pytest.CaptureFixture
) -> None:
    f = _csv(tmp_path, "user,action,time\nu1,open,2024-01-01 12:00\n")
    assert main(["ingest", "events", f, "--workspace", wspath, "--timezone", "Asia/Tokyo"]) == 0
    text = capsys.readouterr().out
    assert "rows read" in text and "loaded" in text and "user_id=user" in text
    assert main(["ingest", "events", f, "--workspace", wspath]) == 2
    err = capsys.readouterr().err
    assert "use --replace" in err and err.count("\n") == 1
    assert main(["ingest", "events", f, "--workspace", wspath, "--replace", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows_loaded"] == 1


@pytest.mark.parametrize(
    "args, needle",
    [
        (["ingest", "events", "{missing}"], "does not exist"),
        (["ingest", "events", "{empty}"], "is empty"),
        (["ingest", "clicks", "{good}"], "Unknown kind 'clicks'"),
        (["ingest", "events", "{good}", "--map", "user_id"], "--map expects FIELD=VALUE"),
        (["ingest", "events", "{good}", "--map", "user_id=nope"], "has no column 'nope'"),
        (["ingest", "events", "{good}", "--timezone", "Nowhere/City"], "Unknown timezone"),
        (["ingest", "events", "{binary}"], "is not a text/CSV file"),
        (["ingest", "events", "{header}"], "has no column for the required field"),
    ],
)
def test_errors_are_one_line_exit_2(
    tmp_path: Path, wspath: str, capsys: pytest.CaptureFixture, args: list[str], needle: str
) -> None:
    files = {
        "missing": str(tmp_path / "nope.csv"),
        "empty": _csv(tmp_path, "", "empty.csv"),
        "good": _csv(tmp_path, "user,action,time\nu1,open,2024-01-01\n", "good.csv"),
    }
    binary = tmp_path / "bin.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    files["binary"] = str(binary)
    files["header"] = _csv(tmp_path, "a;b\n1;2\n", "header.csv")
    argv = [a.format(**files) for a in args] + ["--workspace", wspath]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert needle in captured.err and captured.err.startswith("userlens ingest: ")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err and captured.out == ""
