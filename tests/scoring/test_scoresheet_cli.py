"""The scoresheet commands for batch use: write a sheet, import it (exit 1 with problems)."""

from __future__ import annotations

from decimal import Decimal

from scoring.tables import Score
from tests.scoring.scoresheet_support import fill, rows_of, stored_scores
from tests.support.cli import tenderdesk


async def test_write_and_import_a_scoresheet_from_the_command_line(scenario, tmp_path):
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    target = tmp_path / "sheet.xlsx"
    written = tenderdesk(
        "scoresheet", str(scenario.evaluation_id), evaluator.email, "-o", str(target)
    )
    assert written.returncode == 0, written.stderr
    assert f"Wrote {target}" in written.stdout
    assert len(rows_of(target.read_bytes())) == 9

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(fill(target.read_bytes(), {3: (11, "Too good"), 5: (6, None)}))
    refused = tenderdesk(
        "scoresheet-import", str(scenario.evaluation_id), str(evaluator.id), str(bad)
    )
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "error: Scores!E3: 11 is above the maximum 10",
        "error: Scores!F5: justification is required",
    ]
    assert await Score.count() == 0

    good = tmp_path / "good.xlsx"
    good.write_bytes(fill(target.read_bytes(), {3: (9, "Strong"), 5: (6, "Sufficient")}))
    stored = tenderdesk(
        "scoresheet-import", str(scenario.evaluation_id), evaluator.email, str(good)
    )
    assert stored.returncode == 0, stored.stderr
    assert "Stored 9 rows: 2 added, 0 changed, 0 removed, 7 unchanged." in stored.stdout
    assert await stored_scores(evaluator, scenario) == {
        ("bid:1", "Team"): (Decimal("9"), "Strong"),
        ("bid:2", "Method"): (Decimal("6"), "Sufficient"),
    }


async def test_an_unknown_evaluator_is_refused(scenario, tmp_path):
    result = tenderdesk(
        "scoresheet",
        str(scenario.evaluation_id),
        "nobody@example.org",
        "-o",
        str(tmp_path / "x.xlsx"),
    )
    assert result.returncode == 1
    assert "error: No active evaluator nobody@example.org" in result.stderr
    officer = tenderdesk(
        "scoresheet",
        str(scenario.evaluation_id),
        scenario.officer.email,
        "-o",
        str(tmp_path / "x.xlsx"),
    )
    assert officer.returncode == 1
