"""Translation catalogues: extract the messages from the code, find what a catalogue lacks,
and keep the English catalogue complete (`make translations`, and the tests)."""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from .config import PROJECT_ROOT

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
MAPPING = PROJECT_ROOT / "babel.cfg"
SOURCE_LOCALE = "en"
# Flask-Babel's names as this code imports them, on top of Babel's defaults (_, gettext, ...).
# The same list as the -k options of `make translations`.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}


def catalogue_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def locales() -> list[str]:
    return sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def extract() -> Catalog:
    """Every message the templates and the Python code pass to a translation function."""
    with MAPPING.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project="donorclub", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS,
        comment_tags=("Translators:",), strip_comment_tags=True,
        directory_filter=_searched,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _searched(path: str) -> bool:
    """Every folder but hidden ones and caches: Babel's default would also skip "_" folders,
    and templates/_macros and templates/_partials hold text."""
    name = Path(path).name
    return not name.startswith(".") and name != "__pycache__"


def read(locale: str) -> Catalog:
    with catalogue_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


@dataclass(frozen=True)
class Gap:
    locale: str
    message: str
    problem: str  # "missing", "untranslated" or "fuzzy"

    def __str__(self) -> str:
        return f"{self.locale}: {self.problem}: {self.message!r}"


def gaps(template: Catalog, locale: str) -> list[Gap]:
    """Messages of `template` that the locale's catalogue lacks, leaves empty or marks fuzzy."""
    catalog = read(locale)
    found = []
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.context:
            key = f"{key} (context: {message.context})"
        entry = catalog.get(message.id, context=message.context)
        if entry is None:
            found.append(Gap(locale, key, "missing"))
        elif entry.fuzzy:
            found.append(Gap(locale, key, "fuzzy"))
        elif not _translated(entry.string):
            found.append(Gap(locale, key, "untranslated"))
    return found


def _translated(string) -> bool:
    if isinstance(string, (tuple, list)):
        return bool(string) and all(string)
    return bool(string)


def fill_source(locale: str = SOURCE_LOCALE) -> int:
    """Give each untranslated or fuzzy message of the source-language catalogue its own text,
    so that wording can be edited there without touching the code (a message whose text
    changed in the code is fuzzy until then). Returns how many were filled."""
    catalog = read(locale)
    filled = 0
    for message in catalog:
        if not message.id or (_translated(message.string) and not message.fuzzy):
            continue
        if isinstance(message.id, (tuple, list)):
            message.string = tuple(message.id[:2])
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
        filled += 1
    with catalogue_path(locale).open("wb") as handle:
        write_po(handle, catalog, width=100)
    return filled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=("fill-source", "check"))
    args = parser.parse_args(argv)
    if args.command == "fill-source":
        print(f"{fill_source()} messages filled in the {SOURCE_LOCALE} catalogue")
        return 0
    template = extract()
    problems = [gap for locale in locales() for gap in gaps(template, locale)]
    for gap in problems:
        print(gap)
    print(f"{len(template)} messages, {len(problems)} problems in {', '.join(locales())}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
