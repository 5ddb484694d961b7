"""The app contract of docs/architecture.md, checked on the code's syntax tree.

Each rule reads ``src/portal`` as text (nothing is imported or run) and names every place that
breaks it as ``rule path function``. A place listed in ``tests/architecture_known/<app>.txt`` is a violation the team has
not yet removed, each with its reason; the list may only shrink: a new violation fails, and so does an
entry that no longer matches (remove it when you fix it). The rules themselves are proven on a
small app written to break each of them once (``tests/fixtures/architecture``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "architecture"

PLATFORM_APPS = frozenset({"core", "accounts", "audit", "notify"})
MODULE_APPS = frozenset(
    {"air", "command", "fund", "gazette", "incentives", "relics", "supervision"}
)

# Methods and functions whose call changes state: a service must reach one of them.
WRITES = frozenset(
    {
        "audit_record",
        "save",
        "delete",
        "create",
        "bulk_create",
        "bulk_update",
        "update",
        "get_or_create",
        "update_or_create",
        "add",
        "remove",
        "set",
        "clear",
        "send",
        "atomic",
    }
)

KNOWN_DIR = Path(__file__).resolve().parent / "architecture_known"


def _known() -> frozenset[str]:
    """Violations not yet removed, one file per app: "rule path function  # why". Shrink only."""
    lines: set[str] = set()
    for path in sorted(KNOWN_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = line.split("#", 1)[0].strip()
            if entry:
                lines.add(" ".join(entry.split()))
    return frozenset(lines)


KNOWN = _known()


@dataclass(frozen=True, order=True)
class Violation:
    rule: str
    path: str
    where: str

    def __str__(self) -> str:
        return f"{self.rule} {self.path} {self.where}"


def _modules(root: Path, package: str = "portal") -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted((root / package).rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts:
            continue
        yield relative.as_posix(), path, ast.parse(path.read_text(encoding="utf-8"))


def _dotted(relative: str) -> str:
    name = relative.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__")


def _app(relative: str) -> str | None:
    parts = relative.split("/")
    return parts[1] if len(parts) > 2 else None


def _is_view_module(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return name in {"views.py", "api.py"} or name.endswith("_views.py")


def _is_service_module(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return name == "services.py" or name.endswith("_services.py")


def _enclosing_functions(tree: ast.Module) -> dict[ast.AST, str]:
    """Every node mapped to the name of the top-level function or class it stands in."""
    owner: dict[ast.AST, str] = {}
    for top in tree.body:
        name = getattr(top, "name", "<module>")
        for node in ast.walk(top):
            owner[node] = name
    return owner


def _type_checking_nodes(tree: ast.Module) -> set[ast.AST]:
    hidden: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                hidden.update(ast.walk(child))
    return hidden


def _imports(tree: ast.Module, dotted: str) -> Iterator[tuple[ast.AST, str]]:
    """(node, imported module) for every import outside ``if TYPE_CHECKING``."""
    hidden = _type_checking_nodes(tree)
    package = dotted.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if node in hidden:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            yield node, base
            for alias in node.names:  # from portal.x import services: the module itself
                yield node, f"{base}.{alias.name}"


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _service_writes(tree: ast.Module, imported_services: set[str]) -> dict[str, bool]:
    """For each top-level function: does it (or a function of this module it calls) write?"""
    functions = {
        f.name: f for f in tree.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    direct: dict[str, bool] = {}
    calls: dict[str, set[str]] = {}
    for name, function in functions.items():
        names = {n for c in ast.walk(function) if isinstance(c, ast.Call) if (n := _call_name(c))}
        decorators = {ast.unparse(d) for d in function.decorator_list}
        direct[name] = (
            bool(names & WRITES)
            or bool(names & imported_services)
            or any("atomic" in d for d in decorators)
            or any(
                isinstance(c, ast.Call)
                and isinstance(c.func, ast.Attribute)
                and isinstance(c.func.value, ast.Name)
                and c.func.value.id in {"services", "plan_services"}
                for c in ast.walk(function)
            )
        )
        calls[name] = names & functions.keys()
    writes = dict(direct)
    changed = True
    while changed:
        changed = False
        for name, called in calls.items():
            if not writes[name] and any(writes[c] for c in called):
                writes[name] = changed = True
    return writes


def check(root: Path = ROOT, package: str = "portal") -> list[Violation]:
    found: set[Violation] = set()
    graph: dict[str, set[str]] = {}
    modules = list(_modules(root, package))
    names = {_dotted(relative) for relative, _, _ in modules}
    for relative, _, tree in modules:
        dotted = _dotted(relative)
        owner = _enclosing_functions(tree)
        app = _app(relative)
        imported_services: set[str] = set()
        graph[dotted] = set()
        for node, target in _imports(tree, dotted):
            if target in names and target != dotted:
                graph[dotted].add(target)
            parts = target.split(".")
            if (
                app in PLATFORM_APPS
                and len(parts) > 1
                and parts[0] == package
                and parts[1] in MODULE_APPS
            ):
                found.add(Violation("platform-imports-module", relative, parts[1]))
            if isinstance(node, ast.ImportFrom) and target.endswith(("services", "_services")):
                imported_services.update(a.asname or a.name for a in node.names)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and _is_view_module(relative)
            ):
                found.add(Violation("view-queries-models", relative, owner.get(node, "<module>")))
            if (
                isinstance(node, ast.FunctionDef)
                and node.name == "_user"
                and _is_view_module(relative)
            ):
                found.add(Violation("view-own-user-helper", relative, node.name))
            if isinstance(node, ast.Call) and _call_name(node) == "audit_record":
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(
                        keyword.value, ast.Constant | ast.JoinedStr | ast.BinOp
                    ):
                        found.add(
                            Violation("audit-action-string", relative, owner.get(node, "<module>"))
                        )
        if _is_service_module(relative):
            writes = _service_writes(tree, imported_services)
            for function in tree.body:
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if function.name.startswith("_"):
                    continue
                if function.args.args or function.args.posonlyargs:
                    found.add(Violation("service-positional", relative, function.name))
                if not writes[function.name]:
                    found.add(Violation("service-reads", relative, function.name))
    for circle in _circles(graph):
        for member in circle:
            path = next(r for r, _, _ in modules if _dotted(r) == member)
            found.add(Violation("import-circle", path, " ".join(sorted(circle))))
    return sorted(found)


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


# ---------------------------------------------------------------- the tests


def test_the_portal_keeps_the_app_contract():
    found = {str(v) for v in check()}
    new = sorted(found - KNOWN)
    assert new == [], "the app contract (docs/architecture.md) is broken at:\n" + "\n".join(new)


def test_the_list_of_known_violations_only_shrinks():
    found = {str(v) for v in check()}
    fixed = sorted(KNOWN - found)
    assert fixed == [], "fixed: remove from tests/architecture_known/<app>.txt:\n" + "\n".join(
        fixed
    )


def test_each_rule_fails_on_an_app_written_to_break_it():
    found = {str(v) for v in check(FIXTURE, "portal")}
    assert found == {
        "view-queries-models portal/fund/views.py application_list",
        "view-own-user-helper portal/fund/views.py _user",
        "service-positional portal/fund/services.py application_approve",
        "service-reads portal/fund/services.py application_total",
        "audit-action-string portal/fund/services.py application_approve",
        "audit-action-string portal/fund/services.py application_reject",
        "platform-imports-module portal/notify/hooks.py fund",
        "import-circle portal/fund/models.py portal.fund.models portal.fund.services",
        "import-circle portal/fund/services.py portal.fund.models portal.fund.services",
    }


def test_the_good_parts_of_the_fixture_pass():
    """The fixture's well-behaved service and view are not reported: the rules are not blunt."""
    found = {str(v) for v in check(FIXTURE, "portal")}
    assert not any("application_create" in v or "application_detail" in v for v in found)
