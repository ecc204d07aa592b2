"""The aid benchmark (`run.py --only aid`): the county's public notice (公示) of approved aid for
the term as one PDF, a school per page, as the county officer downloads it from
/welfare/aid/notice/pdf/ (`aid_notice_pdf_s` on the demo county, `aid_notice_pdf_20k_s` on the
synthetic one; the welfare issue asks for under 5 s): the median of a few downloads after the
first. Beside it, in `selector_ms`, reading the notices without drawing the PDF."""

from run import COUNTY, TERM, Measure, measure_page, median_cpu_ms, median_ms, selector

AID_RUNS = 3


def aid_figures(client_county, county_user, *, suffix: str) -> list[Measure]:
    from shouhu.org.models import Region, Term

    measure = Measure(
        f"aid_notice_pdf{suffix}_s", f"aid notice PDF /welfare/aid/notice/pdf/ {COUNTY}", unit="s"
    )
    measure_page(
        measure,
        client=client_county,
        url=f"/welfare/aid/notice/pdf/?scope={COUNTY}&term={TERM}",
        warmups=0,
        runs=AID_RUNS,
        content_type="application/pdf",
    )
    notices_under = selector("shouhu.welfare.selectors.aid", "aid_notices_under")
    if notices_under is not None and measure.value is not None:
        node = Region.objects.get(code=COUNTY.ljust(12, "0"))
        term = Term.objects.get(code=TERM)
        measure.selector_ms, _runs = median_ms(
            run=lambda: notices_under(county_user, node=node, term=term), warmups=1, runs=5
        )
        # The drawing's CPU time moves less with the shared machine's load than the wall time.
        draw = selector("shouhu.welfare.views.aid", "aid_notice_pdf_bytes")
        sheets = notices_under(county_user, node=node, term=term)
        measure.extra["pdf_cpu_s"] = round(
            median_cpu_ms(run=lambda: draw(sheets, printed_by=county_user), runs=1) / 1000, 2
        )
        measure.extra["schools"] = len(sheets)
        measure.extra["rows"] = sum(len(s.rows) for s in sheets)
    return [measure]
