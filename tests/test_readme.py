"""The README's commands are the ones CI runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text().splitlines()
    commands = [line.strip() for line in readme[:12] if line.startswith("    ")]
    assert len(commands) == 2, "the README starts with the serve and the test command"
    serve, test = commands
    assert serve.endswith("tenderdesk serve --demo")
    assert test in (ROOT / ".ci" / "run").read_text()
