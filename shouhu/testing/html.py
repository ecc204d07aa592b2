"""Checks of rendered HTML shared by the tests: element ids that occur more than once on a page
(a label's `for`, `aria-describedby` and htmx targets then point at the first one only)."""

from collections import Counter
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1

    handle_startendtag = handle_starttag


def duplicate_ids(*pages: str | bytes) -> list[str]:
    """The ids found more than once across the pages (a page and the fragments htmx puts into
    it count as one document), sorted; empty when every id is unique."""
    parser = _Ids()
    for page in pages:
        parser.feed(page.decode() if isinstance(page, bytes) else page)
    parser.close()
    return sorted(i for i, n in parser.ids.items() if n > 1)
