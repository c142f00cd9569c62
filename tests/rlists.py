"""The first messages of the rlists data set (../shared/data/rlists), for tests on real mail."""

import gzip
import os
from pathlib import Path

import pytest

FIRM = "rhelpers.example"
RLISTS = Path(os.environ.get("TIEGRAPH_RLISTS", Path(__file__).parents[2] / "shared/data/rlists"))


def rlists_slice(directory: Path, messages: int) -> Path:
    """An mbox of the first `messages` replies (they are in date order); skips the test when
    the data set is not on this machine."""
    source = RLISTS / "mail.mbox.gz"
    if not source.exists():
        pytest.skip(f"{source}: the rlists data set is not here (set TIEGRAPH_RLISTS)")
    path = directory / f"rlists-{messages}.mbox"
    with gzip.open(source, "rt", encoding="utf-8") as mbox, path.open("w") as out:
        seen = 0
        for line in mbox:
            seen += line.startswith("From ")
            if seen > messages:
                break
            out.write(line)
    return path
