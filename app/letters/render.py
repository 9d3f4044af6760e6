"""Letters → PDF with WeasyPrint, from a plain dict, outside any Flask request (works in background jobs).

- A dedicated Jinja environment (autoescape on, StrictUndefined) over app/letters/templates.
- A URL fetcher that refuses everything but `data:` URLs: a letter never reads a file or the network.
- One FontConfiguration per process and a lock around WeasyPrint (it is not documented as thread-safe).
- Deterministic output: the PDF dates come from the letter's issue date and the file identifier from the HTML,
  so the same context renders the same bytes (tests/letters/test_render.py checks it).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.letters.dates import chinese_date, numeric_date

logger = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# Each service keeps its letter templates beside its code: app/<domain>/templates/letters/<kind>.html.
TEMPLATE_DIRS = [
    TEMPLATE_DIR,
    *sorted(p for p in TEMPLATE_DIR.parents[1].glob("*/templates") if (p / "letters").is_dir() and p != TEMPLATE_DIR),
]
# Every template extends _base.html, which includes the CSS and imports the macros: all in a template version.
SHARED_TEMPLATES = ("letters/_base.html", "letters/_standard.html", "letters/_letter.css", "letters/_macros.html")

_env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIRS),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)
_env.filters["chinese_date"] = chinese_date
_env.filters["numeric_date"] = numeric_date


def _group_code(code: str) -> str:
    """ABCDEFGHJK → ABCDE-FGHJK: easier to read aloud and to type; the hyphen is not part of the code."""
    return f"{code[:5]}-{code[5:]}" if len(code) == 10 else code


_env.filters["group_code"] = _group_code


def _qr_data_uri(text: str) -> str:
    """A QR code (error correction M) as a `data:` PNG URI: the only kind of URL a letter may fetch."""
    import segno

    return segno.make(text, error="m", boost_error=False).png_data_uri(scale=8, border=0)


_env.filters["qr_data_uri"] = _qr_data_uri

_render_lock = threading.Lock()
_font_config = None


class LetterRenderError(RuntimeError):
    """The letter could not be rendered (e.g. a template tried to fetch a URL)."""


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class DataOnlyURLFetcher(URLFetcher):
        """Fetches `data:` URLs only. Anything else (file:, http:, …) is refused and stops the rendering."""

        def __init__(self) -> None:
            super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)

        def fetch(self, url, headers=None):
            if not str(url).lower().startswith("data:"):
                raise ValueError(f"letters may not fetch {str(url)[:80]!r}: only data: URLs are allowed")
            return super().fetch(url, headers)

    return DataOnlyURLFetcher


def url_fetcher():
    """A fresh data-only fetcher (WeasyPrint fetchers keep per-request state, so one per render)."""
    return _fetcher_class()()


def _get_font_config():
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def check_font_subsetting() -> None:
    """Raises RuntimeError unless WeasyPrint can subset fonts with HarfBuzz.

    WeasyPrint dlopens libharfbuzz-subset (weasyprint.text.ffi.harfbuzz_subset, None when missing) and uses
    it only with HarfBuzz ≥ 4.1.0 (weasyprint.pdf.fonts.Font.subset); otherwise it logs a warning and falls
    back to fontTools, which takes ≈ 10 s per letter with Noto CJK instead of ≈ 0.2 s.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None:
        raise RuntimeError(
            "WeasyPrint cannot load libharfbuzz-subset, so it would subset CJK fonts with fontTools "
            "(≈ 10 s per letter). Install it: apt-get install libharfbuzz-subset0"
        )
    if not harfbuzz.hb_version_atleast(4, 1, 0):
        raise RuntimeError("HarfBuzz ≥ 4.1.0 is needed for WeasyPrint's fast font subsetting; upgrade libharfbuzz")


_versions: dict[str, tuple[list, str]] = {}
_EXTENDS = re.compile(r"""{%-?\s*extends\s+["']([^"']+)["']""")


def template_version(template_name: str) -> str:
    """sha256 over the letter template and the shared base, CSS and macros it uses.

    Cached per template while none of its files changed on disk (checked by mtime): issuing a letter is on
    the hot path of completing a task, re-reading five files each time was a third of its cost.
    """
    cached = _versions.get(template_name)
    if cached is not None and all(uptodate() for uptodate in cached[0]):
        return cached[1]
    digest = hashlib.sha256()
    checks = []
    names, seen = [template_name, *SHARED_TEMPLATES], set()
    while names:
        name = names.pop(0)
        if name in seen:
            continue
        seen.add(name)
        source, _filename, uptodate = _env.loader.get_source(_env, name)  # type: ignore[union-attr]
        digest.update(name.encode() + b"\0" + source.encode() + b"\0")
        checks.append(uptodate or (lambda: False))
        # A service's own layout between the letter and the shared base (letters/_wa_letter.html) counts too.
        names += _EXTENDS.findall(source)
    _versions[template_name] = (checks, digest.hexdigest())
    return digest.hexdigest()


def render_html(template_name: str, context: dict) -> str:
    return _env.get_template(template_name).render(**context)


def html_to_pdf(html: str) -> bytes:
    """HTML (already escaped by the template) → PDF bytes with the data-only fetcher and the shared fonts."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    with _render_lock:
        try:
            document = HTML(string=html, url_fetcher=url_fetcher()).render(font_config=_get_font_config())
            return document.write_pdf(pdf_identifier=identifier)
        except FatalURLFetchingError as exc:  # a BaseException: turn it into an ordinary error
            raise LetterRenderError(str(exc.__cause__ or exc)) from None


def render_pdf(template_name: str, context: dict) -> bytes:
    """Renders `letters/<kind>.html` with `context` (a plain dict) to PDF bytes."""
    return html_to_pdf(render_html(template_name, context))
