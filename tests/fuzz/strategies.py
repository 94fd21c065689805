"""Hypothesis strategies for bad input: odd text, extreme numbers, impossible dates, junk files and JSON."""

from __future__ import annotations

import io

from hypothesis import strategies as st

from .html_forms import FormField, HtmlForm

# Values people (and scripts) really send: numbers at the edges, dates that do not exist, markup and injection
# attempts, right-to-left overrides, emoji, NUL and other control characters, and text far past any limit.
EDGE_VALUES = [
    "", " ", "\t", "0", "-0", "-1", "1.5", "1e308", "-1e308", "1e-320", "9" * 40, "NaN", "inf", "-Infinity",
    "2147483648", "-9223372036854775809", "0x10", "1,000", "50%",
    "2026-02-30", "2026-13-01", "0000-00-00", "0001-01-01", "9999-12-31", "31/02/2026", "2026-02", "2026",
    "<script>alert(1)</script>", "'; DROP TABLE project; --", "{{ 7 * 7 }}", "%s%n", "../../etc/passwd",
    "²", "\u202eevil", "😀🏥", "Ω≈ç√∫", "\x00", "a\x00b", "\x1b[31m", "\r\n\r\n", "\ufeff",
    "x" * 301, "y" * 5000,
]

# Ordinary values, so that some submissions get past the shape checks to the rules behind them.
PLAUSIBLE_VALUES = ["Reduce falls on Ward 7", "Night staff", "12", "3.5", "2026-03-02", "2026-03", "yes", "on", "1"]

control_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=5)
junk_text = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.sampled_from(PLAUSIBLE_VALUES),
    st.text(max_size=40),
    control_text,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(lambda day: day.isoformat()),
    st.integers(min_value=1, max_value=70_000).map(lambda n: "z" * n),
)

JUNK_FILE_NAMES = ["data.csv", "data.xlsx", "data.txt", "picture.png", "", "no-extension", "../../data.csv",
                   "DATA.CSV", "données.csv"]
junk_file = st.tuples(st.binary(max_size=2000), st.sampled_from(JUNK_FILE_NAMES))

OMIT = object()


def field_values(form_field: FormField) -> st.SearchStrategy:
    """What one control might send: what the page offers, junk, or nothing at all."""
    if form_field.kind == "file":
        return st.one_of(st.just(OMIT), junk_file)
    if form_field.kind in ("submit", "button"):
        return st.one_of(st.just(OMIT), st.sampled_from(form_field.options))
    offered = st.just(form_field.defaults) if form_field.defaults else st.just([])
    choices = [st.just(OMIT), offered, junk_text.map(lambda value: [value])]
    if form_field.options:
        choices.append(st.lists(st.sampled_from(form_field.options), max_size=3))
    return st.one_of(*choices)


@st.composite
def form_payload(draw, form: HtmlForm) -> list[tuple[str, object]]:
    """A submission of the form as (name, value) pairs; files are (stream, filename) pairs."""
    pairs: list[tuple[str, object]] = []
    for name, form_field in form.fields.items():
        value = draw(field_values(form_field))
        if value is OMIT:
            continue
        if form_field.kind == "file":
            content, filename = value
            pairs.append((name, (io.BytesIO(content), filename)))
        elif isinstance(value, list):
            pairs.extend((name, item) for item in value)
        else:
            pairs.append((name, value))
    return pairs


# Integers either side of what a database column holds (PostgreSQL integer, bigint) and around zero.
EDGE_INTEGERS = [0, -1, 1, 2**31 - 1, 2**31, 2**63, -(2**63) - 1, 10**30]
json_scalars = st.one_of(st.none(), st.booleans(), st.sampled_from(EDGE_INTEGERS),
                         st.integers(min_value=-(2**70), max_value=2**70),
                         st.floats(allow_nan=False), junk_text)
junk_json = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=12), inner, max_size=4), max_leaves=12)
