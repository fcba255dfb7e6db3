"""Build the corpus of bad scoresheets under tests/documents/bad_scoresheets/.

    python scripts/build_bad_scoresheets.py

Sets up the corpus evaluation (tests/documents/scoresheet_corpus.py) in a throw-away SQLite
database, downloads the sheets signed with the corpus key, and writes one file per refusal.
Run it again after changing the scoresheet format or the corpus evaluation; the test
tests/documents/test_scoresheet_corpus.py says what each file must be refused for.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def build() -> dict[str, bytes]:
    from config.database import migrate
    from scoring import scoresheets
    from tests.documents import scoresheet_corpus as corpus

    await migrate()
    found = await corpus.build_evaluation()
    first, second = found.evaluators
    sheet = (await scoresheets.scoresheet(first, found.evaluation_id)).data
    other = (await scoresheets.scoresheet(second, found.evaluation_id)).data
    consensus = (await scoresheets.consensus_workbook(found.officer, found.evaluation_id)).data
    return corpus.build(sheet, other, consensus)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tenderdesk-corpus-") as data_dir:
        os.environ.update(
            {
                "TENDERDESK_DATA_DIR": data_dir,
                "PICCOLO_CONF": "config.piccolo_conf",
                "TENDERDESK_DB_POOL": "0",
            }
        )
        os.environ.pop("DATABASE_URL", None)
        from tests.documents.scoresheet_corpus import CORPUS, CORPUS_SECRET

        os.environ["TENDERDESK_SECRET_KEY"] = CORPUS_SECRET
        files = asyncio.run(build())
    CORPUS.mkdir(parents=True, exist_ok=True)
    for old in CORPUS.glob("*.xls*"):
        old.unlink()
    for name, data in files.items():
        (CORPUS / name).write_bytes(data)
        print(f"{(CORPUS / name).relative_to(ROOT)}  {len(data):>9} bytes")


if __name__ == "__main__":
    main()
