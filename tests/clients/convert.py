#!/usr/bin/env python3
"""convert.py FILE TARGET OUTDIR

Saves FILE in another format with LibreOffice, as an office worker would with "Save as":
TARGET is LibreOffice's --convert-to argument (xls, ods, docx, pdf, ...). Prints the path of
the new file, OUTDIR/<FILE's stem>.<extension>.
Exit status: 0 converted, 1 LibreOffice failed, 2 wrong arguments, 3 LibreOffice missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from common import convert, usage


def main(argv: list[str]) -> int:
    if len(argv) != 3 or any(a.startswith("-") for a in argv):
        usage(__doc__)
    print(convert(Path(argv[0]), argv[1], Path(argv[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
