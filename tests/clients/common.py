"""What the client-tier checkers share: failing clearly when a client is missing, and running
LibreOffice headless with a profile of its own.

Exit statuses of every checker: 0 checked and found nothing wrong, 1 checked and found
problems (the JSON on stdout lists them), 2 wrong arguments or an unreadable input,
3 a client (program or Python module) is missing.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

INSTALL = "bash tests/clients/install.sh"
EXIT_PROBLEMS, EXIT_USAGE, EXIT_MISSING = 1, 2, 3


def missing(what: str) -> None:
    """Stops the checker: a client is missing. The tests show this message as their failure."""
    print(f"{what} is missing: install the client tier with `{INSTALL}`", file=sys.stderr)
    sys.exit(EXIT_MISSING)


def need(module: str):
    """Imports a Python module of the client tier, or stops naming the install command."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        missing(f"Python module {module} ({e}; python3 is {sys.executable})")


def program(name: str) -> str:
    """The path of a program of the client tier, or stops naming the install command."""
    path = shutil.which(name)
    if path is None:
        missing(f"program {name}")
    return path


def usage(doc: str) -> None:
    print(doc, file=sys.stderr)
    sys.exit(EXIT_USAGE)


# LibreOffice keeps the cached values of an .xlsx unless told to recalculate on load: this
# user setting makes it always recalculate (OOXML and ODF alike).
ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
 </item>
 <item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop>
 </item>
</oor:items>
"""

FONTS_CONF = Path(__file__).resolve().with_name("fonts.conf")


def convert(src: Path, target: str, outdir: Path, recalculate: bool = False,
            timeout: int = 300) -> Path:
    """Converts `src` with LibreOffice (`--convert-to target`, e.g. "pdf" or
    "xlsx:Calc MS Excel 2007 XML") into `outdir`; returns the new file.

    Each call gets a fresh profile, so conversions may run in parallel; the CJK font aliases
    of fonts.conf apply."""
    soffice = program("soffice")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soffice-") as work:
        profile = Path(work) / "profile"
        if recalculate:
            user = profile / "user"
            user.mkdir(parents=True)
            (user / "registrymodifications.xcu").write_text(ALWAYS_RECALCULATE, encoding="utf-8")
        # LibreOffice names the output after the input: convert a copy in a private folder.
        private = Path(work) / "out"
        env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
        p = subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
             "--nologo", "--norestore", "--nodefault", "--nolockcheck",
             "--convert-to", target, "--outdir", str(private), str(src.resolve())],
            capture_output=True, text=True, timeout=timeout, env=env)
        extension = target.split(":", 1)[0]
        made = private / f"{src.stem}.{extension}"
        if p.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            print(f"LibreOffice could not convert {src} to {target} (exit {p.returncode}):\n"
                  f"{p.stdout}{p.stderr}", file=sys.stderr)
            sys.exit(EXIT_PROBLEMS)
        out = outdir / made.name
        shutil.move(str(made), out)
        return out
