"""System checks of the reports (`shouhu check`, and every server start)."""

from django.core.checks import Tags, Warning, register

from shouhu.reports.work_summary.render import fast_font_subsetting


@register(Tags.compatibility)
def pdf_font_subsetting(app_configs, **kwargs) -> list[Warning]:
    """The work summary's PDF takes under 2 s with HarfBuzz-Subset and close to a minute for a
    county without it (fontTools subsets the Noto CJK fonts instead): say so at the start."""
    if fast_font_subsetting():
        return []
    return [
        Warning(
            "PDF 导出缺少 HarfBuzz-Subset（libharfbuzz-subset0）：WeasyPrint 改用 fontTools "
            "子集化 Noto CJK 字体，一份县级工作总结 PDF 约需 50 秒。",
            hint="apt-get install libharfbuzz-subset0（make system-deps 会安装）。",
            id="reports.W001",
        )
    ]
