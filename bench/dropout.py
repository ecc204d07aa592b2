"""控辍保学's benchmark (issue 14), wired into `run.py` as the group `dropout`:

- `dropout_monthly_pdf_s` (demo county) / `dropout_monthly_pdf_20k_s` (synthetic): the school's
  monthly report (一月一报告) as a PDF, downloaded by the demo school leader from
  /school/dropout/monthly/report.pdf for their school and this month; target < 5 s. Beside it,
  in `selector_ms`, drafting the month's figures from the ledgers without the PDF.

`run` is bench/run.py's module (its `Measure`, `measure_page`, `login`, `median_ms`), handed in
so that this file imports nothing of the runner.
"""

PDF_RUNS = 5


def dropout_figures(run, *, suffix: str) -> list:
    from django.test import Client
    from django.utils import timezone

    from shouhu.accounts.models import User
    from shouhu.schooling.selectors.dropout_reports import monthly_figures

    leader = User.objects.filter(username="leader").select_related("scope_school").first()
    measure = run.Measure(
        f"dropout_monthly_pdf{suffix}_s", "dropout monthly report PDF, school leader", unit="s"
    )
    if leader is None or leader.scope_school is None:
        measure.skipped = "no school leader with a school"
        return [measure]
    client = Client()
    run.login(client, "leader")
    month = timezone.localdate().replace(day=1)
    url = f"/school/dropout/monthly/report.pdf?scope={leader.scope_school.code}&month={month:%Y-%m}"
    run.measure_page(
        measure, client=client, url=url, warmups=1, runs=PDF_RUNS, content_type="application/pdf"
    )
    if measure.value is not None:
        measure.selector_ms, _runs = run.median_ms(
            run=lambda: monthly_figures(leader.scope_school, month), warmups=1, runs=5, min_runs=3
        )
    return [measure]
