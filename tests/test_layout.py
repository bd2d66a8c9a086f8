"""The layout keeps its promises: no import cycle, lower layers never import higher ones.

Imports are read from the source with `ast`, so an import inside a function counts like any other.
"""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "articles"

# Lower numbers are lower layers: a module may import its own layer or a lower one.
LAYERS = {
    "articles.sanitize": 0,
    "articles.images": 0,
    "articles.models": 1,
    "articles.versions": 1,
    "articles.records": 1,
    "articles.revisions": 2,
    "articles.checks": 2,
    "articles.serving": 2,
    "articles.ingest": 3,
    "articles.editorial": 3,
    "articles.public": 3,
    "articles.admin": 4,
    "articles.urls": 4,
    "articles.signals": 4,
    "articles.apps": 4,
    "articles.templatetags": 4,
    "articles.management": 4,
}
# Pure parsing and image code: nothing of the database, the ORM or the cache.
PURE = (
    "articles.ingest.frontmatter",
    "articles.ingest.feeditems",
    "articles.images",
    "articles.sanitize",
)
IMPURE = ("django.db", "django.core.cache", "articles.models", "articles.serving")
APART = [("articles.public", "articles.ingest")]
MAX_TOP_LEVEL_MODULES = 14
MAX_TOP_LEVEL_LINES = 400


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_modules():
    """Every module of the app but its migrations, by dotted name."""
    return {
        module_name(path): path
        for path in APP.rglob("*.py")
        if "migrations" not in path.relative_to(APP).parts
    }


def imported_names(path):
    """Every module name an import in `path` reaches, wherever the import stands."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def import_graph():
    """`{module: {app modules it imports}}`; `from pkg import mod` counts as pkg.mod."""
    modules = app_modules()
    graph = {}
    for name, path in modules.items():
        targets = {n for n in imported_names(path) if n in modules and n != name}
        # An imported submodule imports its (empty) package too; that edge says nothing.
        graph[name] = {t for t in targets if not any(o.startswith(t + ".") for o in targets)}
    return graph


def external_imports(name):
    return imported_names(app_modules()[name])


def find_cycle(graph):
    """One cycle as a list of modules, or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    stack = []

    def visit(node):
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == GREY:
                return stack[stack.index(nxt) :] + [nxt]
            if colour[nxt] == WHITE and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        colour[node] = BLACK
        return None

    for node in sorted(graph):
        if colour[node] == WHITE and (cycle := visit(node)):
            return cycle
    return None


def layer(name):
    prefix = max(
        (p for p in LAYERS if name == p or name.startswith(p + ".")), key=len, default=None
    )
    return LAYERS.get(prefix)


def within(name, package):
    return name == package or name.startswith(package + ".")


class ImportGraphTests(SimpleTestCase):
    def test_no_module_of_the_app_imports_itself_through_others(self):
        assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()))

    def test_the_cycle_check_finds_a_cycle_through_a_function_level_import(self):
        assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
        assert find_cycle({"a": {"b"}, "b": set()}) is None
        tree = ast.parse("def f():\n    from articles.models import Article\n")
        assert "articles.models" in {
            n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
        }

    def test_every_module_has_a_layer(self):
        unplaced = [name for name in app_modules() if name != "articles" and layer(name) is None]
        assert unplaced == []

    def test_a_lower_layer_never_imports_a_higher_one(self):
        upward = [
            f"{name} -> {target}"
            for name, targets in import_graph().items()
            for target in targets
            if layer(name) is not None and layer(target) > layer(name)
        ]
        assert upward == []

    def test_public_site_and_ingest_do_not_import_each_other(self):
        crossing = [
            f"{name} -> {target}"
            for name, targets in import_graph().items()
            for a, b in APART
            for target in targets
            if (within(name, a) and within(target, b)) or (within(name, b) and within(target, a))
        ]
        assert crossing == []

    def test_parsing_and_image_code_touch_no_database_or_cache(self):
        impure = [
            f"{name} -> {target}"
            for name in app_modules()
            if any(within(name, p) for p in PURE)
            for target in external_imports(name)
            if any(within(target, i) for i in IMPURE)
        ]
        assert impure == []


class TopLevelTests(SimpleTestCase):
    def test_the_app_keeps_few_small_modules_at_its_top_level(self):
        top = sorted(APP.glob("*.py"))
        assert len(top) <= MAX_TOP_LEVEL_MODULES, [p.name for p in top]
        long = {
            p.name: n for p in top if (n := len(p.read_text().splitlines())) > MAX_TOP_LEVEL_LINES
        }
        assert long == {}

    def test_readme_layout_names_every_package(self):
        readme = (ROOT / "README.md").read_text()
        layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
        packages = sorted(
            p.parent.name for p in APP.glob("*/__init__.py") if p.parent.name != "migrations"
        )
        missing = [name for name in packages if f"{name}/" not in layout]
        assert missing == []
