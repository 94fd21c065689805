"""The house rules, enforced: import direction, pure analysis, thin views, tidy URLs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "impact_tracker"
WEB_LIBRARIES = ("flask", "flask_", "sqlalchemy", "werkzeug", "jinja2", "wtforms")


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            dots, module = "." * node.level, node.module or ""
            names.add(dots + module)
            joiner = "." if module else ""
            names.update(f"{dots}{module}{joiner}{alias.name}" for alias in node.names)
    return names


def _top_level(name: str) -> str:
    return name.lstrip(".").split(".")[0]


def test_the_analysis_package_exists_and_is_pure_python():
    modules = _modules(PACKAGE / "analysis")
    assert modules, "impact_tracker/analysis is missing"
    for path in modules:
        for name in _imports(path):
            top = _top_level(name)
            assert not top.startswith(WEB_LIBRARIES) and top != "matplotlib", f"{path.name} imports {name}"
            if name.startswith(".."):
                pytest.fail(f"{path.name} imports {name} from outside analysis/")


def test_nothing_imports_pyplot_and_only_charts_import_matplotlib():
    for path in _modules(PACKAGE):
        for name in _imports(path):
            assert "pyplot" not in name, f"{path} imports pyplot"
            if _top_level(name) == "matplotlib":
                assert "charts" in path.parts, f"{path} imports matplotlib outside charts/"


def test_core_imports_no_domain_package():
    domains = {"orgs", "auth", "projects", "pdsa", "measures", "portfolio", "assessment", "gemba", "api", "home"}
    for path in _modules(PACKAGE / "core"):
        for name in _imports(path):
            parts = name.lstrip(".").split(".")
            assert not (name.startswith("..") and parts[0] in domains), f"{path.name} imports {name}"


def test_views_never_touch_the_database_session():
    for path in list(PACKAGE.rglob("views.py")) + list(PACKAGE.rglob("views/*.py")):
        source = path.read_text()
        assert "db.session" not in source, f"{path} uses db.session; call a service or query"


def test_nothing_reads_the_environment_outside_config():
    for path in _modules(PACKAGE):
        if path.name != "config.py":
            assert "os.environ" not in path.read_text(), f"{path} reads os.environ"


def test_every_module_starts_with_a_docstring():
    for path in _modules(PACKAGE):
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), f"{path.relative_to(PACKAGE.parent)} has no module docstring"


def test_no_helper_dumping_grounds():
    for path in _modules(PACKAGE):
        assert path.stem not in {"utils", "helpers", "misc"}, path


def test_url_rules_are_lowercase_kebab_case_with_int_ids(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "nhsuk_assets"):
            continue
        static_parts = [part for part in rule.rule.split("/") if part and not part.startswith("<")]
        for part in static_parts:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*(\.json)?", part), f"{rule.rule}: {part!r}"
        for argument in re.findall(r"<([^>]+)>", rule.rule):
            if argument.split(":")[-1].endswith("_id"):
                assert argument.startswith("int:"), f"{rule.rule}: {argument} needs the int converter"


def test_a_radio_groups_first_option_owns_its_id_so_its_label_works(app):
    """The NHS.UK radios give the first option the field's id; nothing else on the page may take it."""
    from bs4 import BeautifulSoup

    from impact_tracker.projects.forms import ProjectForm

    with app.test_request_context():
        form = ProjectForm()
        html = app.jinja_env.from_string(
            '{% from "macros/forms.html" import field %}{{ field(form.status) }}{{ field(form.components) }}'
        ).render(form=form)
    soup = BeautifulSoup(html, "html.parser")
    for field_id in ("status", "components"):
        owners = soup.find_all(id=field_id)
        assert len(owners) == 1, field_id
