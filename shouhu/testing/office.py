"""Printing as a user prints, for the `office` tests and `scripts/document-pictures.sh`: a
file converted to PDF by LibreOffice headless (its profile in a folder of the caller's), its
page count and the right edge of its rightmost word (poppler's pdfinfo and pdftotext)."""

import re
import shutil
import subprocess
from pathlib import Path

A4_WIDTH_PT = 595
OFFICIAL_RIGHT_MARGIN_PT = 74  # GB/T 9704's 26 mm


def soffice() -> str | None:
    return shutil.which("soffice")


def to_pdf(path: Path, *, folder: Path) -> Path:
    """`path` (.docx, .xlsx …) printed to a PDF beside it, as LibreOffice prints it."""
    subprocess.run(  # noqa: S603 - LibreOffice on our own file
        [
            soffice() or "soffice",
            "--headless",
            f"-env:UserInstallation=file://{folder}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(path.parent),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path.with_suffix(".pdf")


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(  # noqa: S603
        ["pdfinfo", str(pdf)],  # noqa: S607 - poppler's, on PATH
        check=True,
        capture_output=True,
        text=True,  # noqa: S607
    ).stdout
    return int(next(x.split()[-1] for x in info.splitlines() if x.startswith("Pages")))


def pdf_right_edge(pdf: Path) -> float:
    """Where the rightmost word of the PDF ends, in points from the left of the page."""
    boxes = subprocess.run(  # noqa: S603
        ["pdftotext", "-bbox", str(pdf), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    return max(edges, default=0.0)
