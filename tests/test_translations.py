"""Every word a person reads comes from the catalogues, and both catalogues have all of them."""
from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from jinja2 import Environment

from donorclub import catalogues

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
PYTHON = sorted((ROOT / "donorclub").rglob("*.py"))

# Words that read the same in every language: names of formats, the brand, a pattern.
SAME_IN_EVERY_LANGUAGE = {"donorclub", "CSV", ".xlsx", "Excel", "UTF", "PDF", "JSON", "API",
                          "XXXX", "NMDP", "DKMS", "Anthony", "Nolan"}
WORDS = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]")
HOLE = "\ue000"  # stands for a {{ ... }} expression, whose output is checked where it is made
# Attributes people read (or hear from a screen reader).
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "label"}
# Blocks whose content is markup configuration, not text.
NOT_TEXT_BLOCKS = {"body_class"}
PLACEHOLDER = re.compile(r"%\([a-zA-Z_]+\)[sdif]|%%")


@pytest.fixture(scope="module")
def template_catalog():
    return catalogues.extract()


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_every_message_has_a_translation(template_catalog, locale):
    assert locale in catalogues.locales()
    gaps = catalogues.gaps(template_catalog, locale)
    assert not gaps, (f"{len(gaps)} messages lack a translation; run `make translations`, "
                      "then translate:\n" + "\n".join(map(str, gaps[:40])))


def test_the_catalogue_gaps_check_can_fail(template_catalog, tmp_path, monkeypatch):
    """The check above is only worth something if a missing translation is found."""
    catalog = catalogues.read("zh_Hans")
    first = next(m for m in template_catalog
                 if m.id and isinstance(m.id, str) and not m.context)
    catalog[first.id].string = ""
    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, catalog)
    monkeypatch.setattr(catalogues, "TRANSLATIONS", tmp_path)
    problems = catalogues.gaps(template_catalog, "zh_Hans")
    assert [(gap.message, gap.problem) for gap in problems] == [(first.id, "untranslated")]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_translations_keep_every_placeholder(locale):
    with catalogues.catalogue_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (
            message.string,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string and sorted(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "translations that lose or add a placeholder:\n" + "\n".join(wrong)


def test_chinese_catalogue_is_chinese():
    """A message copied over untranslated would pass the gaps check; it may not pass here."""
    with catalogues.catalogue_path("zh_Hans").open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hans")
    english = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (
            message.string,)
        text = PLACEHOLDER.sub("", " ".join(strings))
        if _is_words(text) and not re.search(r"[\u4e00-\u9fff]", text):
            english.append(repr(message.id))
    assert not english, "untranslated in zh_Hans:\n" + "\n".join(english)


def _visible_text(source: str) -> list[str]:
    """Text a template writes itself, outside any translation function: its markup with each
    {{ expression }} replaced by a hole, read by an HTML parser."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    kept, skip_block, previous = [], 0, []
    for _line, kind, value in env.lex(source):
        if kind == "whitespace":
            continue
        if kind == "name" and previous[-2:] == ["block_begin", "name:block"]:
            skip_block += value in NOT_TEXT_BLOCKS
        if kind == "name" and value == "endblock" and skip_block:
            skip_block -= 1
        if kind == "data" and not skip_block:
            kept.append(value)
        elif kind == "variable_begin":
            kept.append(HOLE)
        previous.append(f"{kind}:{value}" if kind == "name" else kind)
    parser = _TextFinder()
    parser.feed("".join(kept))
    return parser.found


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre"):
            self.skipping += 1
        attributes = dict(attrs)
        for name, value in attrs:
            shown = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and attributes.get("type") in (
                    "submit", "button", "reset"))
            if shown and value and _is_words(value):
                self.found.append(f'{tag} {name}="{value}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and _is_words(data):
            self.found.append(data.replace(HOLE, "").strip())


def _is_words(text: str) -> bool:
    text = text.replace(HOLE, " ")
    pieces = [p for p in re.split(r"[\s·,;:|/()（）\[\]–—-]+", text) if p]
    return any(WORDS.search(p) and p not in SAME_IN_EVERY_LANGUAGE for p in pieces)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_write_no_text_outside_translation_functions(path):
    assert _visible_text(path.read_text(encoding="utf-8")) == []


def test_the_template_check_finds_untranslated_text():
    source = ('{% block body_class %}page-wide{% endblock %}<h1>{{ _("Members") }}</h1>'
              '<p class="x">Hello {{ name }}</p><input type="submit" value="Save">'
              '<a title="{{ _(\'t\') }}" aria-label="Close">CSV</a>')
    assert _visible_text(source) == ["Hello", 'input value="Save"', 'a aria-label="Close"']


# Calls whose text a person reads: flashes, form fields and validators, service errors.
_MESSAGE_CALLS = {"flash", "InvalidInput", "Conflict", "NotFound", "PermissionDenied",
                  "NotEligible", "ServiceError", "ValidationError", "DataRequired",
                  "InputRequired", "Length", "NumberRange", "Email", "EqualTo", "Regexp",
                  "AnyOf", "NoneOf"}
_MESSAGE_KEYWORDS = {"message", "label", "description"}
# Validators whose first argument is data, not a message.
_DATA_FIRST = {"EqualTo", "Regexp", "AnyOf", "NoneOf"}


def _literal_messages(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
        if name not in _MESSAGE_CALLS and not name.endswith("Field"):
            continue
        texts = [k.value for k in node.keywords if k.arg in _MESSAGE_KEYWORDS]
        if node.args and name not in _DATA_FIRST:
            texts.append(node.args[0])
        for text in texts:
            if isinstance(text, ast.JoinedStr) or (
                    isinstance(text, ast.Constant) and isinstance(text.value, str)
                    and WORDS.search(text.value)):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(text)}")
    return found


def test_messages_in_python_go_through_translation_functions():
    found = [line for path in PYTHON for line in _literal_messages(path)]
    assert found == []


def test_the_python_check_finds_literal_messages(tmp_path):
    module = tmp_path / "views.py"
    module.write_text('flash("Saved.")\nflash(_("Saved."))\nname = StringField("Name")\n'
                      'raise NotFound(f"No {x}")\nRegexp("^[a-z]+$", message=_("Letters"))\n')
    found = [line.split(": ", 1)[1] for line in _literal_messages(module, tmp_path)]
    assert found == ["'Saved.'", "'Name'", "f'No {x}'"]


def test_the_app_warns_at_start_when_the_catalogues_are_not_compiled(tmp_path, caplog):
    from donorclub import create_app

    config = {"ENV_NAME": "testing", "INSTANCE_PATH": str(tmp_path / "instance"),
              "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with caplog.at_level("WARNING"):
        create_app(config)
    assert "No compiled translations" not in caplog.text
    with caplog.at_level("WARNING"):
        create_app({**config, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})
    assert "No compiled translations for zh_Hans" in caplog.text
