"""Reading the forms a page offers (as a browser would submit them) and the messages a page shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

ERROR_CLASSES = ("nhsuk-error-message", "nhsuk-error-summary")
GENERIC_HEADING = "Something went wrong"
# Text that looks like patient data is not refused but held back once, with this warning, to be changed or confirmed.
PATIENT_DATA_WARNING = "Check for patient-identifiable information"


@dataclass
class FormField:
    """One named control: what the browser would send unchanged, and the choices it offers."""

    name: str
    kind: str
    defaults: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)


@dataclass
class HtmlForm:
    """A POST form: where it goes, how it is encoded, and its fields by name."""

    action: str
    multipart: bool
    fields: dict[str, FormField]

    @property
    def path(self) -> str:
        return urlsplit(self.action).path


def post_forms(html: str, page_url: str) -> list[HtmlForm]:
    """Every form on the page that posts, with its action made absolute."""
    soup = BeautifulSoup(html, "html.parser")
    forms = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = urljoin(page_url, form.get("action") or page_url)
        multipart = (form.get("enctype") or "").lower() == "multipart/form-data"
        forms.append(HtmlForm(action=action, multipart=multipart, fields=_fields(form)))
    return forms


def _fields(form) -> dict[str, FormField]:
    fields: dict[str, FormField] = {}
    for control in form.find_all(["input", "select", "textarea", "button"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        kind = _kind(control)
        entry = fields.setdefault(name, FormField(name=name, kind=kind))
        options, defaults = _values(control, kind)
        entry.options += options
        entry.defaults += defaults
    return fields


def _kind(control) -> str:
    if control.name == "input":
        return (control.get("type") or "text").lower()
    return control.name


def _values(control, kind: str) -> tuple[list[str], list[str]]:
    """(the choices, what is sent unchanged) for one control."""
    if kind == "select":
        options = [option.get("value", option.get_text()) for option in control.find_all("option")]
        chosen = [option.get("value", option.get_text()) for option in control.find_all("option")
                  if option.has_attr("selected")]
        return options, chosen or options[:1]
    if kind in ("checkbox", "radio"):
        value = control.get("value", "on")
        return [value], [value] if control.has_attr("checked") else []
    if kind in ("submit", "button"):
        return [control.get("value", "")], []
    if kind == "textarea":
        return [], [control.get_text().removeprefix("\n")]
    if kind == "file":
        return [], []
    return [], [control.get("value", "")]


def shows_error(html: str) -> bool:
    """Whether the page shows an error beside a field or in the error summary."""
    soup = BeautifulSoup(html, "html.parser")
    return any(soup.find(class_=name) for name in ERROR_CLASSES)


def warns_of_patient_data(html: str) -> bool:
    """Whether the page holds the submission back to ask whether some text is patient data."""
    callout = BeautifulSoup(html, "html.parser").find(class_="nhsuk-warning-callout")
    return callout is not None and PATIENT_DATA_WARNING in callout.get_text(" ")


def heading(html: str) -> str:
    """The page's main heading, whitespace folded."""
    h1 = BeautifulSoup(html, "html.parser").find("h1")
    return re.sub(r"\s+", " ", h1.get_text(" ")).strip() if h1 else ""


def main_text(html: str) -> str:
    """The visible text of the page's main content, whitespace folded (for failure messages)."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    return re.sub(r"\s+", " ", main.get_text(" ")).strip()
