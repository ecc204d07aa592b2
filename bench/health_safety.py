"""The health and safety group of `make bench` (`run.py --only health`; issue 15): on a county,
the head teacher's class health-check sheet (`health_sheet_head_ms`), the county's lectures
page with the schools still owing one this term (`lectures_county_ms`), and the head teacher's
class contact chains (`class_chain_head_ms`). Wired into `run.py` as a group; `run` is that
module, passed in so that this file needs no import of it."""

from types import ModuleType


def health_figures(clients: dict, *, suffix: str, run: ModuleType, county: str) -> list:
    from shouhu.accounts.models import User

    head = User.objects.get(username="head")
    class_id = head.scope_class_id
    pages = [
        ("health_sheet_head", "head", f"/welfare/classes/{class_id}/health/", "class health sheet"),
        ("lectures_county", "county", f"/welfare/lectures/?scope={county}", "county lectures"),
        ("class_chain_head", "head", f"/welfare/classes/{class_id}/contact-chain/", "class chains"),
    ]
    measures = []
    for key, who, url, label in pages:
        measure = run.Measure(f"{key}{suffix}_ms", f"{label} {url.split('?')[0]}")
        run.measure_page(measure, client=clients[who], url=url)
        measures.append(measure)
    return measures
