"""Helpers of the browser tests (Playwright)."""

from playwright.sync_api import Page

PHONE_WIDTH = 360


def assert_fits_phone(page: Page) -> None:
    """Nothing on the page is wider than the phone, so it never scrolls sideways.

    Measured once the page has loaded with its stylesheet: a busy server can answer the page
    before its CSS, and an unstyled form is as wide as its longest select."""
    page.wait_for_load_state("load")
    page.wait_for_function("[...document.styleSheets].some(s => s.href && s.cssRules.length)")
    assert page.viewport_size is not None and page.viewport_size["width"] == PHONE_WIDTH
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"
