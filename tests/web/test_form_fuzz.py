"""Hostile form bodies on every form endpoint (each rule accepting POST outside /api/, read
from the URL map): generated with hypothesis from the real field names, as a user who may use
the form. Never a 5xx; a refused request (4xx) changes no row of any table; a request that
changes rows records an audit event too."""
from __future__ import annotations

import inspect
import io
import os
import re
import types
from html.parser import HTMLParser

import sqlalchemy as sa
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms.fields import FileField
from wtforms.fields.core import UnboundField

from donorclub.extensions import db
from donorclub.models import AuditEvent

from ..conftest import sign_in
from .test_access_matrix import (
    ENDPOINT_VALUES,
    audience,
    build_url,
    is_api,
    objects,  # noqa: F401  (the fixture: the same world of club B)
)

# Per endpoint (about 150 requests per database in CI); FORM_FUZZ_EXAMPLES=200 digs deeper locally.
EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "3"))
AUDIT = AuditEvent.__tablename__
ROLE_FOR = {"public": None, "admin": "admin", "member": "member_user",
            "signed_in": "coordinator_b", "club_staff": "coordinator_b"}
# Text a browser (or a script) may send: control and invisible characters, right-to-left
# marks, combining marks, astral characters, numbers and dates no column can hold.
EDGE_VALUES = [
    "", " ", "\x00", "a\x00b", "\u202ex\u202c", "\u200f\u200e", "e\u0301\u0301\u0301", "𝔘𝔫𝔦🩸",
    "\ufeff", "\r\n", "0000-00-00", "2025-02-30", "9999-12-31", "0001-01-01", "31/12/2025",
    "-1", "0", "-0", "1e309", "NaN", "inf", "99999999999999999999999", "-2147483649",
    "3.4028235e+39", "０１２", "١٢٣", "x" * 10_000, "<script>alert(1)</script>",
    "'; DROP TABLE members; --", "%(name)s %s {0}", "=1+1", "true", "on", "None", "[]",
]
# Numbers beyond every column (32-bit ids, 64-bit integers, doubles) and around zero.
NUMBERS = ["99999999999999999999", "-99999999999999999999", "2147483648", "-2147483649",
           "9223372036854775808", "1e400", "-1e400", "0", "-1", "0.000001", "1.5", "²", "٣"]


def form_rules(app) -> list:
    return sorted((r for r in app.url_map.iter_rules()
                   if "POST" in r.methods and not is_api(r)), key=lambda r: r.rule)


class _Inputs(HTMLParser):
    """Every field name a page's forms send, with the values the page offers for it."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag in ("input", "select", "textarea") and name:
            self.fields.setdefault(name, [])
            self._select = name if tag == "select" else None
            self._textarea = name if tag == "textarea" else None
            if tag == "input" and attrs.get("value") is not None:
                self.fields[name].append(attrs["value"])
        elif tag == "option" and self._select and "value" in attrs:
            self.fields[self._select].append(attrs["value"] or "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea].append(data)

    def handle_endtag(self, tag):
        if tag in ("textarea", "select"):
            self._textarea = self._select = None


def _read_by_view(function, seen: set) -> tuple[set[type], set[str]]:
    """The FlaskForm classes a view names and the words it quotes (field names it reads from
    the request itself), directly or in the helpers of its module it calls."""
    function = inspect.unwrap(function)
    if function in seen:
        return set(), set()
    seen.add(function)
    codes = [function.__code__] + [c for c in function.__code__.co_consts
                                   if isinstance(c, types.CodeType)]
    names = {name for code in codes for name in code.co_names}
    words = {c for code in codes for c in code.co_consts
             if isinstance(c, str) and re.fullmatch(r"[a-z][a-z_]{1,30}", c)}
    forms = set()
    for name in names:
        obj = function.__globals__.get(name)
        if isinstance(obj, type) and issubclass(obj, FlaskForm):
            forms.add(obj)
        elif isinstance(obj, types.FunctionType) and obj.__module__ == function.__module__:
            more_forms, more_words = _read_by_view(obj, seen)
            forms, words = forms | more_forms, words | more_words
    return forms, words


def field_spec(app, rule, page: str | None) -> tuple[dict[str, list[str]], set[str]]:
    """(field name -> values the form offers, names of file fields), from the view's form
    classes and the words it quotes and, for a page the rule also shows, its inputs."""
    form_classes, words = _read_by_view(app.view_functions[rule.endpoint], set())
    fields: dict[str, list[str]] = {word: [] for word in words}
    files: set[str] = set()
    for form_class in form_classes:
        for name in dir(form_class):
            unbound = getattr(form_class, name)
            if not isinstance(unbound, UnboundField):
                continue
            choices = unbound.kwargs.get("choices") or []
            fields.setdefault(name, []).extend(
                str(getattr(c, "value", c[0] if isinstance(c, tuple) else c)) for c in choices)
            if issubclass(unbound.field_class, FileField):
                files.add(name)
    if page:
        parser = _Inputs()
        parser.feed(page)
        for name, values in parser.fields.items():
            fields.setdefault(name, []).extend(values)
    fields.pop("csrf_token", None)
    return fields, files


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(EDGE_VALUES),
        st.sampled_from(NUMBERS),
        st.sampled_from(NUMBERS).map(lambda n: n + ":donations-1"),  # member id:award code
        st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
        st.integers(min_value=-2**70, max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates().map(lambda d: d.isoformat()),
    )


def file_value() -> st.SearchStrategy[tuple]:
    names = st.sampled_from(["../../etc/passwd", "logo.png\x00.exe", "/etc/shadow.png",
                             "C:\\Windows\\logo.png", "data.csv", "", "logo.png"])
    contents = st.one_of(st.binary(max_size=200), st.just(_png()),
                         st.just(b"member_no,full_name\n=1+1,\x00\n"))
    return st.tuples(contents, names)


@st.composite
def bodies(draw, fields: dict[str, list[str]], files: set[str]) -> MultiDict:
    """A body with each real field missing, sent once or repeated, with the values its form
    offers or hostile text; files where text belongs and text where files belong; and a few
    fields the form does not have."""
    pairs = []
    for name in sorted(fields):
        offered = fields[name]
        value = st.sampled_from(offered) | hostile_text() if offered else hostile_text()
        if name in files or draw(st.integers(0, 30)) == 0:
            value = value | file_value()
        times = draw(st.sampled_from([0, 1, 1, 1, 2]))
        pairs += [(name, draw(value)) for _ in range(times)]
    for _ in range(draw(st.integers(0, 2))):
        pairs.append((draw(st.text(min_size=1, max_size=12)), draw(hostile_text())))
    return MultiDict([(name, (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v)
                      for name, v in pairs])


@st.composite
def json_bodies(draw, fields: dict[str, list[str]], files: set[str]) -> dict:
    """The form's fields as JSON, with numbers, lists, objects and nulls where text belongs."""
    scalar = hostile_text() | st.integers() | st.none() | st.booleans()
    value = scalar | st.lists(scalar, max_size=3) | st.dictionaries(st.text(max_size=5), scalar,
                                                                    max_size=2)
    names = st.sampled_from(sorted(fields)) if fields else st.text(min_size=1, max_size=12)
    return draw(st.dictionaries(names, value, max_size=len(fields) + 1))


def snapshot() -> dict[str, list]:
    """Every row of every table, in a stable order."""
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {table.name: sorted(map(repr, connection.execute(sa.select(table))))
                for table in db.metadata.sorted_tables}


def _order(rule) -> tuple:
    """Admin actions last: removing club B's coordinator would lock the others out."""
    return (audience(rule) == "admin", rule.rule)


class Visitor:
    """A client signed in as `role` (None: a visitor), signed in again whenever a request
    ended its session (signing out, changing the password)."""

    def __init__(self, app, world, role: str | None):
        self.http, self.world, self.role = app.test_client(), world, role

    def client(self):
        if self.role is not None:
            with self.http.session_transaction() as session:
                signed = "_user_id" in session
            if not signed:
                email = getattr(self.world, self.role).email
                assert sign_in(self.http, email).status_code == 302
        return self.http


def url_for_rule(rule, world, values: dict) -> str:
    values = {**values, **{k: getattr(world, v).id
                            for k, v in ENDPOINT_VALUES.get(rule.endpoint, {}).items()}}
    return build_url(rule.rule, rule.endpoint, values)


def check_post(client, url: str, body) -> None:
    before = snapshot()
    if isinstance(body, MultiDict):
        response = client.post(url, data=body)
    else:
        response = client.post(url, json=body)
    status, after = response.status_code, snapshot()
    assert status < 500, f"{status}: {response.get_data(as_text=True)[:300]}"
    assert status in (200, 201, 302, 303) or 400 <= status < 500, status
    changed = [name for name in before if before[name] != after[name]]
    if status >= 400:  # a refusal may be audited (a failed sign-in), nothing more
        assert set(changed) <= {AUDIT}, f"refused with {status} but wrote to {changed}"
    if set(changed) - {AUDIT}:
        assert len(after[AUDIT]) > len(before[AUDIT]), f"wrote to {changed} unaudited"


def fuzz(app, rule, url: str, visitor: Visitor) -> None:
    page = None
    if "GET" in rule.methods:
        shown = visitor.client().get(url)
        page = shown.get_data(as_text=True) if shown.status_code == 200 else None
    fields, files = field_spec(app, rule, page)

    @given(body=bodies(fields, files) | json_bodies(fields, files))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def post(body):
        check_post(visitor.client(), url, body)

    post()


def test_hostile_form_bodies_never_fail_or_half_write(app, world, objects):  # noqa: F811
    """One app for every endpoint keeps the run short; every failing endpoint is reported."""
    failures = []
    for rule in sorted(form_rules(app), key=_order):
        kind = audience(rule)
        if kind not in ROLE_FOR:  # test_access_matrix.py fails until it is classified
            continue
        url = url_for_rule(rule, world, objects)
        try:
            fuzz(app, rule, url, Visitor(app, world, ROLE_FOR[kind]))
        except Exception as error:  # noqa: BLE001  (collected, then reported together)
            failures.append(f"POST {url} ({rule.endpoint}) as {ROLE_FOR[kind]}:\n{error}")
    assert not failures, "\n\n".join(failures)


# Query arguments the pages read (and whatever else their forms name), set to numbers past
# every column, dates no calendar has and text with wildcards and markup.
QUERY_NAMES = ("page", "id", "actor", "cycle", "referrer", "q", "date", "on", "since", "until",
               "kind", "status", "table", "format", "fmt", "lang", "issued_on", "date_from",
               "date_to", "next", "scope")
QUERY_VALUES = ("99999999999999999999", "9999-12-31", "%_\\'\"<b>\u202e" + "x" * 2000)


def test_hostile_query_arguments_never_fail(app, world, objects):  # noqa: F811
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        kind = audience(rule)
        if "GET" not in rule.methods or is_api(rule) or kind not in ROLE_FOR \
                or rule.endpoint == "static":
            continue
        url, client = url_for_rule(rule, world, objects), Visitor(app, world, ROLE_FOR[kind])
        shown = client.client().get(url)
        names = set(QUERY_NAMES)
        if shown.status_code == 200 and shown.mimetype == "text/html":
            parser = _Inputs()
            parser.feed(shown.get_data(as_text=True))
            names |= set(parser.fields) - {"csrf_token"}
        for value in QUERY_VALUES:
            status = client.client().get(url, query_string={n: value for n in names}).status_code
            if status >= 500:
                failures.append(f"GET {url} ({rule.endpoint}) with {value[:30]!r}: {status}")
    assert not failures, "\n".join(failures)


def test_the_fuzzer_sends_the_fields_views_read():
    """The bodies are built from the real field names, so they get past the forms' shape."""
    import tempfile

    from donorclub import create_app

    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"ENV_NAME": "testing", "INSTANCE_PATH": instance,
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rules = {rule.endpoint: rule for rule in form_rules(app)}
    members, _ = field_spec(app, rules["members.create"], None)
    assert {"member_no", "full_name", "date_of_birth", "sex"} <= set(members)
    batch, _ = field_spec(app, rules["certificates.issue_batch"], None)
    assert {"due", "scope"} <= set(batch)  # read from the request, not from a form class
    assert field_spec(app, rules["certificates.settings"], None)[1] == {"logo"}
