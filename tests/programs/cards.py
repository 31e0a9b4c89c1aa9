"""Reading the directory's cards as a person sees them: the programme names, in order."""

import re

CARD_NAME = re.compile(
    r'<h3 id="program-\d+-name">(?:<span class="list-number"[^>]*>\d+</span>)?'
    r'<a href="[^"]+">([^<]+)</a></h3>'
)


def card_names(html: str) -> list[str]:
    return CARD_NAME.findall(html)
