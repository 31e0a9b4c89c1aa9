"""Imports run one way: shortlists -> matching -> programs, and shortlists -> clinicians.

Python imports and templates' {% load %}, {% include %} and {% extends %} both count, so
the catalogue renders without the apps built on it.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template.backends.django import get_installed_libraries
from django.urls import reverse

from tests.factories import ClinicianFactory, LocationFactory, ProgramFactory

ROOT = Path(__file__).resolve().parent.parent

# Each app, the packages it is made of, and the apps it may use besides itself.
PACKAGES = {
    "shortlists": "matching.shortlists",
    "clinicians": "matching.clinicians",
    "matching": "matching",
    "programs": "programs",
}
MAY_USE = {
    "programs": set(),
    "clinicians": set(),
    "matching": {"programs"},
    "shortlists": {"matching", "clinicians", "programs"},
}
TEMPLATE_TAG = re.compile(r"{%\s*(load|include|extends)\s+(.*?)\s*%}")


def app_of(dotted: str) -> str | None:
    """Which of our apps a module belongs to (the most specific package wins), if any."""
    for app, package in PACKAGES.items():
        if dotted == package or dotted.startswith(package + "."):
            return app
    return None


def python_files(app: str) -> list[Path]:
    folder = ROOT / PACKAGES[app].replace(".", "/")
    return [path for path in folder.rglob("*.py") if app_of(module_name(path)) == app]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imported_modules(source: str, module: str) -> set[str]:
    """Every module a source file imports, anywhere in it (TYPE_CHECKING blocks included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, base] if base else parent)
            found.update(f"{base}.{alias.name}" for alias in node.names)
            found.add(base)
    return found


def back_edges(app: str, imported: set[str]) -> list[str]:
    allowed = MAY_USE[app] | {app}
    return sorted(name for name in imported if app_of(name) not in allowed | {None})


def template_uses(source: str) -> tuple[set[str], set[str]]:
    """The tag libraries a template loads and the templates it includes or extends by name."""
    libraries, templates = set(), set()
    for tag, argument in TEMPLATE_TAG.findall(source):
        if tag == "load":
            words = argument.split()
            libraries.update(words[words.index("from") + 1 :] if "from" in words else words)
        elif argument[:1] in "\"'":
            templates.add(argument.split()[0].strip("\"'"))
    return libraries, templates


def template_back_edges(app: str, source: str) -> list[str]:
    libraries, templates = template_uses(source)
    modules = get_installed_libraries()
    allowed = MAY_USE[app] | {app}
    edges = [f"load {name}" for name in libraries if app_of(modules[name]) not in allowed | {None}]
    edges += [
        f"template {name}"
        for name in templates
        if name.split("/")[0] in PACKAGES and name.split("/")[0] not in allowed
    ]
    return sorted(edges)


@pytest.mark.parametrize("app", PACKAGES)
def test_python_imports_run_one_way(app):
    edges = {
        str(path.relative_to(ROOT)): back_edges(
            app, imported_modules(path.read_text(), module_name(path))
        )
        for path in python_files(app)
    }
    assert {path: found for path, found in edges.items() if found} == {}


@pytest.mark.parametrize("app", PACKAGES)
def test_templates_load_and_include_one_way(app):
    edges = {
        str(path.relative_to(ROOT)): template_back_edges(app, path.read_text())
        for path in (ROOT / "templates" / app).rglob("*.*")
    }
    assert {path: found for path, found in edges.items() if found} == {}


def test_a_back_edge_is_caught():
    programs_source = "from matching.shortlists.models import Shortlist\nimport programs.geo\n"
    assert back_edges("programs", imported_modules(programs_source, "programs.views")) == [
        "matching.shortlists.models",
        "matching.shortlists.models.Shortlist",
    ]
    assert back_edges("matching", {"matching.clinicians.selectors", "programs.models"}) == [
        "matching.clinicians.selectors"
    ]
    assert template_back_edges(
        "programs", '{% load i18n shortlist_tags %}{% include "shortlists/_add_form.html" %}'
    ) == ["load shortlist_tags", "template shortlists/_add_form.html"]


@pytest.mark.django_db
def test_the_catalogue_renders_without_the_shortlists_slots(client, settings):
    """Without shortlists' context processor the pages still render, only without its controls."""
    templates = copy.deepcopy(django_settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    templates[0]["OPTIONS"]["context_processors"] = [
        name for name in processors if not name.startswith("matching.shortlists.")
    ]
    settings.TEMPLATES = templates
    program = ProgramFactory(name="Harbor Evening IOP")
    LocationFactory(program=program)
    client.force_login(ClinicianFactory().user)

    for url in (reverse("programs:list"), program.get_absolute_url()):
        page = client.get(url)
        assert page.status_code == 200
        assert "Harbor Evening IOP" in page.content.decode()
        assert "Add to shortlist" not in page.content.decode()
