#!/usr/bin/env bash
# Usage: scripts/document-pictures.sh [OUT]   (OUT defaults to docs/pictures)
# Page 1 of each official document (the county's work summary, a dropout written report, a
# guardian agreement, a school's aid notice) and of the county's census export, as LibreOffice
# prints them, to PNG at 60 dpi: the pictures docs/printing.md shows. The demo county is seeded
# in a throwaway SQLite database; the files are made by scripts/document_files.py; LibreOffice
# (its profile in the throwaway folder) prints them to PDF and poppler's pdftoppm draws page 1
# in 16 shades of grey (each picture well under 150 KB). FONTCONFIG_FILE reads the system's
# fonts and deploy/fontconfig/shouhu-fonts.conf, so 仿宋_GB2312 prints as Noto Serif CJK SC
# (shouhu.testing.office, as the office tests convert).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-.venv/bin/python}
OUT=${1:-docs/pictures}
command -v soffice >/dev/null || { echo "document-pictures: LibreOffice is not installed (make system-deps)" >&2; exit 1; }
command -v pdftoppm >/dev/null || { echo "document-pictures: poppler-utils is not installed" >&2; exit 1; }

TMP=$(mktemp -d /tmp/shouhu-pictures-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export SHOUHU_DATABASE_URL="sqlite:///$TMP/demo.sqlite3" SHOUHU_VAR_DIR="$TMP" DJANGO_SETTINGS_MODULE=shouhu.settings

"$PY" -m shouhu.cli migrate -v 0
"$PY" -m shouhu.cli seed-demo >/dev/null
"$PY" scripts/document_files.py "$TMP/files"
FONTCONFIG_FILE=$("$PY" shouhu/testing/office.py "$TMP/fontconfig")
export FONTCONFIG_FILE
mkdir -p "$OUT"
for file in "$TMP"/files/*.docx "$TMP"/files/*.xlsx; do
    soffice --headless "-env:UserInstallation=file://$TMP/lo" --convert-to pdf \
        --outdir "$TMP/pdf" "$file" >/dev/null 2>&1
    name=$(basename "${file%.*}")
    pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$TMP/pdf/$name.pdf" "$OUT/$name"
    # 16 shades of grey (Pillow): black text stays legible and the file small.
    "$PY" -c 'import sys; from PIL import Image; p = sys.argv[1]; Image.open(p).convert("L").quantize(16).save(p, optimize=True)' "$OUT/$name.png"
    echo "$OUT/$name.png ($(pdfinfo "$TMP/pdf/$name.pdf" | awk '/^Pages/ {print $2}') pages)"
done
