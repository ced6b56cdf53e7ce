"""An XLSX bomb against the import: a workbook of well under 2 MB whose shared strings expand to 600 MB.

The import must refuse it from the zip's own directory, before any XML is parsed (issue: it once took
the process to 841 MB). Measured in a child process: the seconds `imports.import_file` takes to refuse
it, and the child's peak RSS (which includes the interpreter and its libraries).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench.import_memory import LAUNCHER

ROOT = Path(__file__).resolve().parent.parent
MEGABYTES = 600
REFUSE = ("import sys, time; from pathlib import Path; from data_access import db, imports; "
          "engine = db.engine_for(sys.argv[1]); started = time.perf_counter()\n"
          "try:\n    imports.import_file(engine, 'cebrs', Path(sys.argv[2]), 'bench')\n"
          "except imports.ImportRejected as refused:\n    print(time.perf_counter() - started); print(refused.report())\n"
          "else:\n    sys.exit('the bomb was imported')")


def build(path: Path, megabytes: int = MEGABYTES) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
        book.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:M2"/></worksheet>')
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            block = b"<si><t>" + b"x" * (1 << 20) + b"</t></si>"
            for _ in range(megabytes):
                strings.write(block)
    return path


def measure(url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="warroom-bomb-") as folder:
        path = build(Path(folder) / "bomb.xlsx")
        done = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-c", REFUSE, url, str(path)],
                              cwd=ROOT, capture_output=True, text=True, env={**os.environ, "WARROOM_DB_URL": url})
        if done.returncode != 0:
            raise RuntimeError(f"the bomb run failed:\n{done.stdout}{done.stderr}")
        seconds = float(done.stdout.splitlines()[0])
        return {"file_mb": round(path.stat().st_size / 2**20, 2), "expands_to_mb": MEGABYTES,
                "refused_in_s": round(seconds, 4), "peak_rss_mb": round(int(done.stderr.split()[-1]) / 1024),
                "report": done.stdout.splitlines()[-1].strip()}
