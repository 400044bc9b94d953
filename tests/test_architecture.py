"""Imports point downward only: domain is pure, pdf has no database, services no web."""
import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "donorclub"


def imported_modules(path: Path) -> set[str]:
    """Absolute names of everything a module imports (relative imports resolved)."""
    module_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if module_parts[-1] == "__init__":
        module_parts = module_parts[:-1]
        package_parts = module_parts
    else:
        package_parts = module_parts[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                prefix = ".".join(base)
                names.add(f"{prefix}.{node.module}" if node.module else prefix)
                if not node.module:
                    names.update(f"{prefix}.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return names


def modules_in(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", modules_in("domain"), ids=str)
def test_domain_uses_the_standard_library_only(path):
    foreign = {
        name for name in imported_modules(path)
        if top(name) not in sys.stdlib_module_names and not name.startswith("donorclub.domain")
    }
    assert foreign == set(), f"{path.name} imports {foreign}"


@pytest.mark.parametrize("path", modules_in("domain"), ids=str)
def test_domain_never_asks_for_today(path):
    source = path.read_text()
    assert "date.today(" not in source and "datetime.now(" not in source


FORBIDDEN = {
    "models": ("donorclub.services", "donorclub.web", "donorclub.cli", "donorclub.pdf"),
    "services": ("donorclub.web", "donorclub.cli"),
    "pdf": ("donorclub.models", "donorclub.services", "donorclub.web", "flask",
            "sqlalchemy", "flask_sqlalchemy"),
}


@pytest.mark.parametrize(
    ("layer", "path"),
    [(layer, path) for layer in FORBIDDEN for path in modules_in(layer)],
    ids=lambda value: str(value),
)
def test_layers_import_downward_only(layer, path):
    bad = {name for name in imported_modules(path)
           if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer])}
    assert bad == set(), f"{path} imports {bad}"


def test_views_never_commit():
    offenders = [str(p) for p in modules_in("web") if "session.commit" in p.read_text()]
    assert offenders == []


def test_the_checker_sees_relative_imports(tmp_path):
    # Guard against a checker that passes because it parses nothing.
    names = imported_modules(PACKAGE / "services" / "accounts.py")
    assert "donorclub.models" in names and "donorclub.extensions" in names
