"""The hostile corpus (tests/data/hostile, expectations in its manifest.json, written by hand in
tests/data/make_files.py): every file through `ingest_file` and through `load_files`, the loader the
Data page calls. Each either loads with the expected counts, reasons and rejected row numbers, or is
refused with the expected sentence and leaves the workspace as it was."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from analytics.errors import UserLensError
from analytics.ingest import FilePlan, ingest_file, load_files, rejects_for
from analytics.workspace import Workspace

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
CASES = json.loads((HOSTILE / "manifest.json").read_text(encoding="utf-8"))["files"]
IDS = [f"{c['file']}{'-' + '-'.join(f'{k}={v}' for k, v in c['options'].items()) if c['options'] else ''}"
       for c in CASES]


def _check_loaded(ws: Workspace, got: dict, expect: dict) -> None:
    assert (got["rows_read"], got["rows_loaded"], got["rows_rejected"]) == (
        expect["rows_read"], expect["rows_loaded"], expect["rows_rejected"])
    assert got["reject_reasons"] == expect["reasons"]
    if "reject_rows" in expect:
        assert rejects_for(ws.con, got["batch_id"])["row_number"].to_list() == expect["reject_rows"]
    if "ts_min" in expect:
        lo, hi = ws.con.execute("SELECT min(ts), max(ts) FROM events").fetchall()[0]
        want = (date.fromisoformat(expect["ts_min"]), date.fromisoformat(expect["ts_max"]))
        assert (lo.date(), hi.date()) == want


def _untouched(ws: Workspace) -> None:
    assert ws.con.execute("SELECT count(*) FROM batches").fetchall() == [(0,)]
    assert sum(ws.row_counts().values()) == 0
    assert ws.con.execute("SELECT count(*) FROM rejects").fetchall() == [(0,)]


def test_corpus_is_large_and_small() -> None:
    files = {c["file"] for c in CASES}
    assert len(files) >= 40
    assert all((HOSTILE / f).exists() for f in files)
    assert sum(p.stat().st_size for p in HOSTILE.iterdir()) < 1 << 20


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_ingest_file(ws: Workspace, case: dict) -> None:
    expect = case["expect"]
    path = HOSTILE / case["file"]
    if "error" in expect:
        with pytest.raises(UserLensError) as exc:
            ingest_file(ws, case["kind"], path, **case["options"])
        assert expect["error"] in str(exc.value)
        assert "\n" not in str(exc.value)
        _untouched(ws)
        return
    result = ingest_file(ws, case["kind"], path, **case["options"])
    _check_loaded(ws, result.to_json(), expect)


@pytest.mark.parametrize("case", [c for c in CASES if set(c["options"]) <= {"sheet"}],
                         ids=[i for i, c in zip(IDS, CASES, strict=True) if set(c["options"]) <= {"sheet"}])
def test_data_page_loader(ws: Workspace, case: dict) -> None:
    """The Data page plans a file (kind, detected mapping, sheet) and calls `load_files`."""
    expect = case["expect"]
    plan = FilePlan(name=case["file"], path=HOSTILE / case["file"], kind=case["kind"], mapping={},
                    sheet=case["options"].get("sheet"))
    outcome = load_files(ws, [plan])
    if "error" in expect:
        assert outcome.results == [] and len(outcome.failures) == 1
        assert outcome.failures[0].startswith(f"{case['file']}: ") and expect["error"] in outcome.failures[0]
        _untouched(ws)
        return
    assert outcome.failures == []
    _check_loaded(ws, outcome.results[0], expect)
