#!/usr/bin/env python3
"""xlsx_recalc.py FILE.xlsx

Has LibreOffice recalculate every formula of an .xlsx and compares its results with the values
the file caches (what viewers, phones and previews show without recalculating).

openpyxl reads the formulas and the cached values; the sheet XML says whether a formula cell
has a cached value at all; LibreOffice, set to recalculate on load, saves a copy whose values
openpyxl reads back. Numbers agree within a relative 1e-9; text, booleans and error codes
exactly.

Prints JSON: {"file", "formulas": N, "compared": N, "mismatches": [...],
"missing_cached": [...], "recalc_errors": [...]}, each item {"sheet", "cell", "formula",
"cached", "libreoffice"}. missing_cached: a formula without a cached value; recalc_errors:
LibreOffice's own result is an error such as #NAME?.
Exit status: 0 every formula agrees, 1 a mismatch, a missing cached value or an error result,
2 unreadable input, 3 a client missing.
"""

from __future__ import annotations

import json
import sys
import tempfile
import zipfile
from pathlib import Path

from common import EXIT_PROBLEMS, EXIT_USAGE, convert, need, usage

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def cells_with_cached_value(path: Path, etree) -> set[tuple[str, str]]:
    """(sheet name, cell) of every formula cell whose <c> holds a <v>, from the raw XML:
    openpyxl reports a missing <v> and an empty text alike."""
    out = set()
    with zipfile.ZipFile(path) as z:
        workbook = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        for sheet in workbook.iter(f"{MAIN}sheet"):
            target = targets[sheet.get(f"{REL}id")]
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            root = etree.fromstring(z.read(part))
            for c in root.iter(f"{MAIN}c"):
                v = c.find(f"{MAIN}v")
                if c.find(f"{MAIN}f") is not None and v is not None:
                    out.add((sheet.get("name"), c.get("r")))
    return out


def same(cached, computed) -> bool:
    if isinstance(cached, bool) or isinstance(computed, bool):
        return cached is computed
    if isinstance(cached, (int, float)) and isinstance(computed, (int, float)):
        return abs(cached - computed) <= 1e-9 * max(1.0, abs(cached), abs(computed))
    return (cached or "") == (computed or "")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        usage(__doc__)
    openpyxl = need("openpyxl")
    etree = need("lxml.etree")
    path = Path(argv[0])
    try:
        formulas_book = openpyxl.load_workbook(path, data_only=False)
        cached_book = openpyxl.load_workbook(path, data_only=True)
        has_value = cells_with_cached_value(path, etree)
    except Exception as e:
        print(f"openpyxl cannot read {path}: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_USAGE
    with tempfile.TemporaryDirectory(prefix="recalc-") as work:
        recalculated = convert(path, "xlsx:Calc MS Excel 2007 XML", Path(work),
                               recalculate=True)
        computed_book = openpyxl.load_workbook(recalculated, data_only=True)

    found = {"formulas": 0, "compared": 0, "mismatches": [], "missing_cached": [],
             "recalc_errors": []}
    for sheet in formulas_book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                found["formulas"] += 1
                cached = cached_book[sheet.title][cell.coordinate].value
                computed = computed_book[sheet.title][cell.coordinate].value
                item = {"sheet": sheet.title, "cell": cell.coordinate,
                        "formula": str(cell.value), "cached": cached, "libreoffice": computed}
                if isinstance(computed, str) and computed in ERRORS:
                    found["recalc_errors"].append(item)
                if (sheet.title, cell.coordinate) not in has_value:
                    found["missing_cached"].append(item)
                    continue
                found["compared"] += 1
                if not same(cached, computed):
                    found["mismatches"].append(item)
    print(json.dumps({"file": str(path), **found}, ensure_ascii=False, default=str))
    bad = found["mismatches"] or found["missing_cached"] or found["recalc_errors"]
    return EXIT_PROBLEMS if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
