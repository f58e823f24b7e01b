"""The programme's shared data files, which live beside the repository and are never copied in.

They are found in ``$LOCAL_DIGITAL_SHARED_DATA`` if set, else in ``shared/data`` next to the
repository or next to one of its parent folders.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """Return the folder of shared data files, or raise naming where it was looked for."""
    if os.environ.get("LOCAL_DIGITAL_SHARED_DATA"):
        candidates = [Path(os.environ["LOCAL_DIGITAL_SHARED_DATA"])]
    else:
        candidates = [parent / "shared" / "data" for parent in REPO.parents]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"The shared data folder was not found (looked in {looked}). "
        "Set LOCAL_DIGITAL_SHARED_DATA to the folder holding uk_local_authorities.csv."
    )


def shared_data(name: str) -> Path:
    """Return the path of one shared data file."""
    return shared_data_dir() / name
