#!/usr/bin/env python3
"""ooxml_check.py FILE.docx|FILE.xlsx ...

Checks each file against the Open XML SDK's rules (schema: element order, unknown elements,
attribute values; semantic and package checks) through openxml-audit, a Python port of the
SDK's OpenXmlValidator: the nearest offline stand-in for "Word or Excel opens this without
offering to repair it". Like the SDK, it reports the first violation inside each element.

Prints one JSON object per file, one per line:
  {"file", "errors": [{"kind", "part", "path", "node", "message"}], "warnings": N}
Exit status: 0 no errors, 1 errors, 2 a file is not an OPC package, 3 openxml-audit missing.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

from common import EXIT_PROBLEMS, EXIT_USAGE, need, usage

# Office 2019's rules: what current Word and Excel check; the schema data openxml-audit
# ships for it is the SDK's.
FORMAT = "office2019"


def main(argv: list[str]) -> int:
    if not argv or any(a.startswith("-") for a in argv):
        usage(__doc__)
    audit = need("openxml_audit")
    # strict: openxml-audit's lenient mode turns schema errors into warnings.
    validator = audit.OpenXmlValidator(
        file_format=audit.FileFormat(FORMAT), max_errors=0, strict=True)
    status = 0
    for name in argv:
        path = Path(name)
        if not zipfile.is_zipfile(path):
            print(f"{path}: not a zip package", file=sys.stderr)
            return EXIT_USAGE
        result = validator.validate(path)
        errors = [e for e in result.errors if e.severity == audit.ValidationSeverity.ERROR]
        print(json.dumps({
            "file": str(path),
            "errors": [{"kind": e.error_type.value, "part": e.part_uri, "path": e.path,
                        "node": e.node, "message": e.description} for e in errors],
            "warnings": len(result.errors) - len(errors),
        }, ensure_ascii=False))
        if errors:
            status = EXIT_PROBLEMS
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
