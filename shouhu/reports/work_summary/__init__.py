"""The semester work summary (工作总结), drafted from the records.

`document.py` holds the shape of a summary (sections of parts); `context.py` what every section
function is given; `sections.py` the reports' own section functions (the census for 基本情况,
the care work for 主要做法 and 取得成效); `build.py` calls them in a row and adds the author's
draft. `render.py` writes the DOCX and the PDF.
"""
