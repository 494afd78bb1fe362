#!/usr/bin/env python3
"""Seeds fuzz/corpus/{reader,sheet} from the bundled samples (run from anywhere)."""
import hashlib, os, shutil, subprocess, tempfile, zipfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
samples = [os.path.join(root, "samples", n) for n in sorted(os.listdir(os.path.join(root, "samples")))]
reader = os.path.join(here, "corpus", "reader")
sheet = os.path.join(here, "corpus", "sheet")
os.makedirs(reader, exist_ok=True)
os.makedirs(sheet, exist_ok=True)

def put(folder, data):
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

inputs = list(samples) + [os.path.join(root, "tests", "fixtures", "encrypted.xlsx")]
if shutil.which("soffice"):
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("xls", "ods"):
            subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", tmp] + samples,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        for name in os.listdir(tmp):
            put(reader, open(os.path.join(tmp, name), "rb").read())
for path in inputs:
    if os.path.exists(path):
        put(reader, open(path, "rb").read())
# A few small ones: empty, text, a zip that is not a workbook.
put(reader, b"")
put(reader, "统计表\n".encode())
for path in samples:
    with zipfile.ZipFile(path) as z:
        for i in range(5):
            name = f"xl/worksheets/sheet{i + 1}.xml"
            if name in z.namelist():
                put(sheet, bytes([i]) + z.read(name))
print(len(os.listdir(reader)), "reader seeds,", len(os.listdir(sheet)), "sheet seeds")
