#!/usr/bin/env bash
# Installs the client tier of the tests: the real programs that open report-gen's outputs
# (LibreOffice, poppler, CJK fonts) and a Python environment with python-docx, openpyxl and
# openxml-audit at pinned versions. Then: cargo test -- --ignored
#
# For Debian 12 (bookworm), as root or through sudo. Idempotent: what is installed already is
# left alone, so a second run takes a few seconds and touches neither apt nor the network
# beyond pip's check.
#
# The Debian packages are those of bookworm: Debian updates them only for security fixes,
# and the mirrors drop the older builds, so pinning exact Debian versions would break the
# script at the next point release. Tested with LibreOffice 7.4.7, poppler 22.12,
# fonts-noto-cjk 20220127. The Python packages are pinned exactly in requirements.txt.
#
# The Python packages go into a virtual environment beside this script (.venv, ignored by
# git): Debian's python3 refuses pip installs into the system (PEP 668), and the tests look
# for this environment first.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=$here/.venv

os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?} (${VERSION_ID:-?})") || os=unknown
case $os in (*"(12)") ;; (*) echo "install.sh: written for Debian 12; this is $os" >&2 ;; esac

sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install.sh: run as root (or install sudo)" >&2; exit 1; }
  sudo=(sudo)
fi

packages=(
  libreoffice-writer-nogui # soffice --headless: .docx to PDF
  libreoffice-calc-nogui   # recalculates .xlsx, converts to .xls and .ods
  fonts-noto-cjk           # Noto Serif/Sans CJK SC: stand-ins for 宋体/仿宋 and 黑体
  fonts-arphic-ukai        # AR PL UKai: stand-in for 楷体
  fonts-arphic-uming       # AR PL UMing: a second Song face
  fontconfig               # fc-cache, and the aliases of fonts.conf
  poppler-utils            # pdfinfo, pdftoppm, pdftotext, pdffonts
  qpdf                     # structural check of the PDF/A output
  chromium                 # renders the HTML page headless (screenshots, DOM)
  python3
  python3-venv             # ensurepip, for the virtual environment
  ca-certificates          # pip downloads over https
)

missing=()
for p in "${packages[@]}"; do
  # dpkg-query's answer is captured whole, never piped into a reader that may stop early.
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install.sh: apt-get install ${missing[*]}"
  # Another apt run may hold the lock: wait for it rather than fail.
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}"
  "${sudo[@]}" fc-cache -f >/dev/null
else
  echo "install.sh: Debian packages present"
fi

# Debian's own python3 (the one installed above), not whichever python3 comes first on PATH.
if [ ! -x "$venv/bin/python3" ]; then
  echo "install.sh: creating $venv"
  /usr/bin/python3 -m venv "$venv"
fi
PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python3" -m pip install --quiet \
  --requirement "$here/requirements.txt"
"$venv/bin/python3" -c 'import docx, openpyxl, lxml, openxml_audit'

# What is there now, in full (no `| head`: a reader that stops early kills the writer).
soffice_version=$(soffice --version 2>&1) || { echo "install.sh: soffice does not run" >&2; exit 1; }
poppler_version=$(pdftoppm -v 2>&1) || true
echo "install.sh: ${soffice_version%%$'\n'*}"
echo "install.sh: ${poppler_version%%$'\n'*}"
packages_now=$("$venv/bin/python3" -m pip freeze --disable-pip-version-check)
echo "install.sh: Python packages in $venv:"
echo "$packages_now"
echo "install.sh: done; run the client tier with: cargo test -- --ignored"
