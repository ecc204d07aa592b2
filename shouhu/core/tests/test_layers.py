"""The shape of the package: no import cycle between the apps' modules, the ground floor (core,
then org) imports nothing of the apps above it, and no module grows past 600 lines.

Every import counts, those inside functions too: a lazy import hides a cycle, it does not
remove it. Tests and migrations are left out; so are `demo` and `testing`, which may use
everything.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ROOT = PACKAGE.parent
EXEMPT_APPS = {"demo", "testing", "tests_browser"}
MAX_LINES = 600
NEW_APPS = ("schooling", "welfare", "activities", "notify", "parents")
# What each floor must not import.
BELOW = {
    "core": {"org", "accounts", "files", "registry", "care", *NEW_APPS, "reports", "audit", "jobs"},
    "org": {"accounts", "files", "registry", "care", *NEW_APPS, "reports", "audit", "jobs"},
    # Uploaded files sit under the apps that hold them: they know no record.
    "files": {"registry", "care", *NEW_APPS, "reports", "audit"},
}


def _is_code(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return not any(p in ("migrations", "tests") or p.startswith("conftest") for p in parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if _is_code(p)}


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imported(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that `module` imports, anywhere in its body."""
    names: set[str] = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                if not is_package:
                    parts.pop()
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    found = set()
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        module: {m for m in _imported(module, path, modules) if _app(m) not in EXEMPT_APPS}
        for module, path in modules.items()
        if _app(module) not in EXEMPT_APPS
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_graph_sees_imports_inside_functions():
    graph = _graph()
    # audit.services imports the shredder inside `guardian_request_close`.
    assert "shouhu.audit.shredder" in graph["shouhu.audit.services"]


def test_a_cycle_is_found_however_long():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle_between_the_apps_modules():
    assert _cycles(_graph()) == []


def test_core_and_org_import_nothing_of_the_apps_above_them():
    wrong = [
        f"{module} imports {target}"
        for module, targets in sorted(_graph().items())
        for target in sorted(targets)
        if _app(target) in BELOW.get(_app(module), set())
    ]
    assert wrong == []


def test_no_module_is_over_600_lines():
    """Product code only: `shouhu/testing` holds the tests' factories, test code like `tests/`."""
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for module, path in _modules().items()
        if _app(module) != "testing"
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []
