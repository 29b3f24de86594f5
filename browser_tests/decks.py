"""Reading a reveal.js deck written by nbconvert: the URLs it loads and its number of slides."""

from html.parser import HTMLParser

CDN_HOSTS = ("unpkg.com", "cdnjs.cloudflare.com", "cdn.jsdelivr.net", "fonts.googleapis.com")


class DeckParser(HTMLParser):
    """The URLs a page loads (<script src>, <link href>) and its slides (the innermost <section>s)."""

    def __init__(self):
        super().__init__()
        self.urls, self.slides, self._open = [], 0, []  # _open: per open section, "has a child section"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "section":
            if self._open:
                self._open[-1] = True
            self._open.append(False)

    def handle_endtag(self, tag):
        if tag == "section":
            self.slides += not self._open.pop()


def parse_deck(html: str) -> DeckParser:
    parser = DeckParser()
    parser.feed(html)
    return parser


def cdn_references(html: str) -> list[str]:
    """Loaded URLs that leave the machine, and the CDN hosts of nbconvert's templates anywhere in
    the page (the widget renderer's URL is a string in a script, not a src attribute)."""
    loaded = [u for u in parse_deck(html).urls if u.startswith(("http://", "https://", "//"))]
    return loaded + [host for host in CDN_HOSTS if host in html]
