"""The one comparison form of names and words."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any


@functools.lru_cache(maxsize=65536)  # the same names and words come back at every row
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", " ", bare).strip()


def fold(text: Any) -> str:
    """The spec's comparison form: NFKD, no accents, case folded, runs of
    anything but letters and digits turned into one space, trimmed."""
    return _fold(str(text))
