"""Dependencies point one way between the top-level packages (DEVELOPERS.md):
storjformat imports none of ours, accesskeys may use console and never the
reverse, api uses both and neither imports api, and no app imports the settings
package. Read from the source with `ast`, so an import inside a function counts
too. (tests/storjformat/test_no_django.py checks that storjformat also loads
no Django when imported.)"""

import ast

from tests.helpers import PROJECT_DIR

# What each package may import of ours (besides itself).
ALLOWED = {
    "storjformat": set(),
    "console": {"storjformat"},
    "accesskeys": {"console", "storjformat"},
    "api": {"accesskeys", "console", "storjformat"},
    "config": {"accesskeys", "console", "api", "storjformat"},
}


def imports_of(source: str) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def crossings() -> list[str]:
    """Every import from one of our packages into another it may not use."""
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in sorted((PROJECT_DIR / package).rglob("*.py")):
            for line, module in imports_of(path.read_text()):
                target = module.split(".")[0]
                if target in ALLOWED and target != package and target not in allowed:
                    wrong.append(f"{path.relative_to(PROJECT_DIR)}:{line} imports {module}")
    return wrong


def test_it_reads_both_forms_of_import_and_imports_in_functions():
    source = "import api.tokens\nfrom console import audit\ndef f():\n    from api.api import api\n"
    assert imports_of(source) == [(1, "api.tokens"), (2, "console"), (4, "api.api")]


def test_it_knows_every_top_level_package():
    packages = {p.parent.name for p in PROJECT_DIR.glob("*/__init__.py")}
    # Benchmarks and tests may use every package.
    assert packages - {"benchmarks", "tests"} == set(ALLOWED)


def test_each_package_imports_only_what_it_may_use():
    assert crossings() == []
