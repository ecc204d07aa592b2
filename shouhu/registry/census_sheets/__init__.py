"""The census in and out (摸底排查 / 登记造册): the Excel template, the import that survives
real sheets and the register export in the national layout. The census table (汇总表) and the
export's workbook with it are the reports' (`reports.census_table`).

- `columns`: the sheet's columns, the names people give them and the labels of each enumeration
- `reading`: finding the header (merged, padded, any order) and the data rows of a workbook
- `cells`: a cell parsed, or refused with the reason
- `rows`: a row's values, its class within the importer's scope, the files on record
- `changes`: a row validated and compared with the file on record (new, update, unchanged)
- `importing`: check, preview and apply a sheet, all or nothing (the new files through
  `registry.services.children_register_prepare`, prepared by `registry.writing`)
- `errors`: the error report
- `uploads`: the web import's upload, read once and kept (encrypted) until confirmed or expired
- `template`: the downloadable template with drop-downs and instructions
- `exporting`: the register sheet (农村留守儿童基本情况登记表), masked unless a grant allows
"""
