"""The workbook contract: what a clerk types, where and how
(docs/data-format.md). The parser, ``make-minutes new`` and the docs checks
are derived from it."""

from __future__ import annotations

import re

# The « Matière » column: an ACTES subject code and its name, « 8.1 Enseignement ».
SUBJECT = re.compile(r"^(\d\.\d{1,2})\s+(\S.*)$")
