#!/usr/bin/env python3
"""render.py FILE.docx|FILE.xlsx OUTDIR [--dpi N]

Shows a document as a reader sees it: LibreOffice prints it to PDF (with the CJK font stand-ins
of fonts.conf), poppler turns the PDF into one PNG per page and into text. Writes into OUTDIR:
FILE.pdf, page-1.png, page-2.png, ... (80 dpi unless --dpi), text.txt (pdftotext -layout).
Open the PNGs to look at the pages.

Prints JSON: {"pdf", "pages": N, "png": [paths], "text": the text of all pages,
"fonts": [the font names embedded in the PDF]}.
Exit status: 0 rendered, 1 LibreOffice or poppler failed, 2 wrong arguments, 3 a client missing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from common import EXIT_PROBLEMS, convert, program, usage


def run(args: list[str]) -> str:
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        print(f"{' '.join(args)} failed (exit {p.returncode}):\n{p.stderr}", file=sys.stderr)
        sys.exit(EXIT_PROBLEMS)
    return p.stdout


def main(argv: list[str]) -> int:
    dpi = 80
    if "--dpi" in argv:
        at = argv.index("--dpi")
        if at + 1 >= len(argv) or not argv[at + 1].isdigit():
            usage(__doc__)
        dpi = int(argv[at + 1])
        del argv[at:at + 2]
    if len(argv) != 2 or any(a.startswith("-") for a in argv):
        usage(__doc__)
    source, outdir = Path(argv[0]), Path(argv[1])
    tools = {name: program(name) for name in ("pdfinfo", "pdftoppm", "pdftotext", "pdffonts")}
    pdf = convert(source, "pdf", outdir)

    info = run([tools["pdfinfo"], str(pdf)])
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    for old in outdir.glob("page-*.png"):
        old.unlink()
    run([tools["pdftoppm"], "-r", str(dpi), "-png", str(pdf), str(outdir / "page")])
    # pdftoppm pads the page number to the width of the page count (page-01.png): drop that.
    png = []
    for made in sorted(outdir.glob("page-*.png")):
        n = int(made.stem.split("-", 1)[1])
        named = outdir / f"page-{n}.png"
        made.rename(named)
        png.append((n, str(named)))
    text_file = outdir / "text.txt"
    run([tools["pdftotext"], "-layout", str(pdf), str(text_file)])
    # pdffonts: two header lines, then one font per line, its name first.
    fonts = sorted({line.split()[0] for line in run([tools["pdffonts"], str(pdf)])
                    .splitlines()[2:] if line.strip()})
    print(json.dumps({
        "pdf": str(pdf),
        "pages": pages,
        "png": [p for _, p in sorted(png)],
        "text": text_file.read_text(encoding="utf-8"),
        "fonts": fonts,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
