"""Printing as a user prints, for the `office` tests and `scripts/document-pictures.sh`: a
file converted to PDF by LibreOffice headless (its profile in a folder of the caller's), its
page count and the right edge of its rightmost word (poppler's pdfinfo and pdftotext).

LibreOffice finds fonts through fontconfig, which has no alias for the official fonts the
documents name (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312): `fontconfig_env` points it at
a small configuration, in the caller's folder, that reads the system's and then the repo's
`deploy/fontconfig/shouhu-fonts.conf`, so the PDF shows Noto Serif CJK for 仿宋 as a server
with that file installed would."""

import os
import re
import shutil
import subprocess
from pathlib import Path

SHOUHU_FONTS_CONF = (
    Path(__file__).resolve().parents[2] / "deploy" / "fontconfig" / "shouhu-fonts.conf"
)

A4_WIDTH_PT = 595
OFFICIAL_RIGHT_MARGIN_PT = 74  # GB/T 9704's 26 mm


def soffice() -> str | None:
    return shutil.which("soffice")


def fontconfig_file(folder: Path) -> Path:
    """A fontconfig configuration in `folder`: the system's, then the repo's aliases."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <include>{SHOUHU_FONTS_CONF}</include>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def fontconfig_env(folder: Path) -> dict[str, str]:
    """The environment for a LibreOffice that prints the official fonts as Noto CJK."""
    return {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(folder))}


def to_pdf(path: Path, *, folder: Path) -> Path:
    """`path` (.docx, .xlsx …) printed to a PDF beside it, as LibreOffice prints it (with the
    official fonts' aliases)."""
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
        env=fontconfig_env(folder / "fontconfig"),
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


if __name__ == "__main__":  # scripts/document-pictures.sh: print the configuration's path
    import sys

    print(fontconfig_file(Path(sys.argv[1])))
