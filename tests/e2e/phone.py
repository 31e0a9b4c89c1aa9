"""What a phone user notices, measured in the browser at 390 px (used by test_accessibility)."""

from playwright.sync_api import Page

# Controls a thumb must hit: buttons, fields, menus, the header's links, the crisis banner's calls,
# page links and the directory's filter options. Links inside sentences are exempt (WCAG 2.5.8).
TAP_TARGETS = (
    "button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    ".site-nav a, .crisis-banner a, .pagination a, .filter-group summary, "
    ".checkbox-list label, .field--checkbox"
)

SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((element) => element.getClientRects().length && !element.closest('[hidden], .visually-hidden'))
  .map((element) => [element, element.getBoundingClientRect()])
  .filter(([element, box]) => box.height < 43.5 || box.width < 43.5)
  .map(([element, box]) => `${element.outerHTML.slice(0, 70)} is ${Math.round(box.width)}x${Math.round(box.height)}`)"""

BANNER_ROWS = """() => {
  const line = document.querySelector('.crisis-banner__line');
  const middles = [...line.children].filter((child) => child.getClientRects().length)
    .map((child) => { const box = child.getBoundingClientRect(); return box.top + box.height / 2; });
  return {spread: Math.max(...middles) - Math.min(...middles), overflows: line.scrollWidth > line.clientWidth};
}"""


def phone_problems(page: Page, width: int = 390) -> list[str]:
    """Sideways scrolling, small tap targets, a crisis banner on two lines (page already at 390 px)."""
    found = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        found.append(f"scrolls sideways at {width} px ({scroll_width} px)")
    found += [f"small tap target: {text}" for text in page.evaluate(SMALL_TARGETS, TAP_TARGETS)]
    banner = page.evaluate(BANNER_ROWS)
    if banner["spread"] > 8 or banner["overflows"]:
        found.append(f"crisis banner is not one line: {banner}")
    return found
