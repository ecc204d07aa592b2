"""The semester work summary (工作总结), drafted from the records.

`document.py` holds the shape of a summary (sections of parts); `sections.py` the register of
section providers: each domain contributes the parts it knows (the census the 基本情况, the
care work the 主要做法 and 取得成效; grades, aid and activities theirs, later) from a
`summary_sections` module of its app. `render.py` writes the DOCX and the PDF.
"""
