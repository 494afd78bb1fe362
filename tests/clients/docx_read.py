#!/usr/bin/env python3
"""docx_read.py FILE.docx

Reads a .docx with python-docx, an independent reader, and prints what it sees as JSON:

  paragraphs  body paragraphs in order: {"style": style name, "text"}
  sections    page size and margins in twips: {"width", "height", "top", "bottom", "left",
              "right"}
  tables      body tables in order: {"rows", "cols", "grid": texts row by row (a merged cell's
              text at every grid position it covers), "merges": [{"row", "col", "rowspan",
              "colspan"}] (the cells covering more than one position, in reading order),
              "problems": [...]}

Merges are python-docx's own resolution: `row.cells` repeats a cell once per grid position it
covers (gridSpan across, vMerge down). Problems: a row that does not cover the grid, a cell
that covers no rectangle, and a disagreement between `row.cells` and `table.cell(r, c)`,
python-docx's second way of resolving merges.
Exit status: 0 read without problems, 1 problems, 2 python-docx cannot open it,
3 python-docx missing.
"""

from __future__ import annotations

import json
import sys

from common import EXIT_PROBLEMS, EXIT_USAGE, need, usage


def twips(length) -> int | None:
    # python-docx lengths are EMU: 635 per twip.
    return None if length is None else round(length / 635)


def table_info(table) -> dict:
    problems = []
    cols = len(table.columns)
    rows = []  # rows[r][c]: python-docx's cell at grid position (r, c), or None
    for r, row in enumerate(table.rows):
        line = [None] * row.grid_cols_before + list(row.cells) + [None] * row.grid_cols_after
        if len(line) != cols:
            problems.append(f"row {r} covers {len(line)} grid columns, the grid has {cols}")
        rows.append(line)

    # Each w:tc's positions; their bounding box must be covered by it alone.
    boxes: dict[int, list[int]] = {}
    for r, line in enumerate(rows):
        for c, cell in enumerate(line):
            if cell is None:
                continue
            try:
                if table.cell(r, c)._tc is not cell._tc:
                    problems.append(f"row.cells and table.cell disagree at ({r},{c})")
            except IndexError:
                problems.append(f"table.cell has no ({r},{c})")
            box = boxes.setdefault(id(cell._tc), [r, c, r, c])
            box[2], box[3] = max(box[2], r), max(box[3], c)
    merges = []
    for r0, c0, r1, c1 in boxes.values():
        tc = rows[r0][c0]._tc
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                here = rows[r][c] if c < len(rows[r]) else None
                if here is None or here._tc is not tc:
                    problems.append(f"the cell at ({r0},{c0}) does not cover ({r},{c}) of its "
                                    f"{r1 - r0 + 1}×{c1 - c0 + 1} rectangle")
        if (r0, c0) != (r1, c1):
            merges.append({"row": r0, "col": c0, "rowspan": r1 - r0 + 1, "colspan": c1 - c0 + 1})
    merges.sort(key=lambda m: (m["row"], m["col"]))
    grid = [[None if cell is None else cell.text for cell in line] for line in rows]
    return {"rows": len(rows), "cols": cols, "grid": grid, "merges": merges,
            "problems": problems}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        usage(__doc__)
    docx = need("docx")
    try:
        document = docx.Document(argv[0])
    except Exception as e:  # python-docx refuses the file: that is the finding
        print(f"python-docx cannot open {argv[0]}: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_USAGE
    tables = [table_info(t) for t in document.tables]
    out = {
        "file": argv[0],
        "paragraphs": [{"style": p.style.name if p.style is not None else None, "text": p.text}
                       for p in document.paragraphs],
        "sections": [{"width": twips(s.page_width), "height": twips(s.page_height),
                      "top": twips(s.top_margin), "bottom": twips(s.bottom_margin),
                      "left": twips(s.left_margin), "right": twips(s.right_margin)}
                     for s in document.sections],
        "tables": tables,
    }
    print(json.dumps(out, ensure_ascii=False))
    return EXIT_PROBLEMS if any(t["problems"] for t in tables) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
