"""Everything a stored page's rendering can reach, found from the code rather than listed.

articles.stored_pages hashes what `find` returns into the render version, so that a deploy
changing any of it renders the stored pages again. Starting from the templates a stored
page renders and the modules that render it, it follows:

- `{% extends %}`, `{% include %}` and inclusion tags with a constant template name, in
  the templates as Django's engine compiles them (their nodelists, not their text);
- the tag libraries each template `{% load %}`s, and the engine's builtins;
- the imports of every first-party module (a module under BASE_DIR) reached so far,
  read with `ast`, transitively;
- the versions of the third-party distributions those modules import (Django's own tags
  and filters come with Django's version; markdown-it-py, nh3 … with theirs);
- the static files the templates link to with `{% static %}`.

A template name held in a variable cannot be followed. Where one appears (the article page
has none, and a test keeps it so), every first-party template the engine can load, and
every tag library it knows, are taken instead: more pages render again after a deploy
than need to, never fewer. A static path held in a variable is only reported (`dynamic`).
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import importlib.util
import sys
import sysconfig
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.template import Engine, Template
from django.template.base import FilterExpression, Lexer, Node, TokenType
from django.template.library import InclusionNode
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.template.utils import get_app_template_dirs
from django.templatetags.static import StaticNode

# The nodes that pull in another template by name.
_TEMPLATE_NODES = (ExtendsNode, IncludeNode, InclusionNode)


@dataclass(frozen=True)
class RenderSources:
    """What a rendering reaches: files by the name they are found by, and distributions."""

    templates: dict[str, Path]  # template name -> file
    modules: dict[str, Path]  # first-party module name -> file
    distributions: dict[str, str]  # distribution name -> version
    static: tuple[str, ...]  # the static files the templates link to ({% static %})
    # Templates that include, extend or link to a name held in a variable.
    dynamic: tuple[str, ...] = ()

    @property
    def files(self) -> set[Path]:
        return {*self.templates.values(), *self.modules.values()}


@dataclass
class _Walk:
    engine: Engine
    base_dir: Path
    templates: dict[str, Path] = field(default_factory=dict)
    modules: dict[str, Path] = field(default_factory=dict)
    third_party: set[str] = field(default_factory=set)  # top-level import names
    libraries: set[str] = field(default_factory=set)  # tag modules, dotted
    static: set[str] = field(default_factory=set)
    dynamic: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # module names
    _first_party_tops: dict[str, bool] = field(default_factory=dict)

    def first_party_top(self, top: str) -> bool:
        """Whether the top-level package or module `top` is the project's own."""
        if top not in self._first_party_tops:
            path = None if top in sys.stdlib_module_names else _module_file(top)
            self._first_party_tops[top] = path is not None and _first_party(path, self.base_dir)
        return self._first_party_tops[top]


def find(
    *, templates: Sequence[str], modules: Sequence[str], engine: Engine, base_dir: Path
) -> RenderSources:
    """The templates, first-party modules (those under `base_dir`) and distributions that
    rendering `templates` through `engine`, with `modules` (dotted names), can reach."""
    base_dir = base_dir.resolve()
    walk = _Walk(engine=engine, base_dir=base_dir)
    walk.libraries.update(engine.builtins)
    for name in templates:
        _walk_template(walk, name)
    if walk.dynamic:
        for name, path in _first_party_templates(engine, base_dir):
            walk.templates.setdefault(name, path)  # the first directory's, as the engine
        walk.libraries.update(engine.libraries.values())
    for module in [*modules, *sorted(walk.libraries)]:
        _walk_module(walk, module)
    return RenderSources(
        templates=dict(sorted(walk.templates.items())),
        modules=dict(sorted(walk.modules.items())),
        distributions=_distributions(walk.third_party | {"django"}),
        static=tuple(sorted(walk.static)),
        dynamic=tuple(walk.dynamic),
    )


# --- templates ------------------------------------------------------------------------


def _walk_template(walk: _Walk, name: str) -> None:
    if name in walk.templates:
        return
    template = walk.engine.get_template(name)
    walk.templates[name] = Path(template.origin.name).resolve()
    _collect_loads(walk, template)
    for node in template.nodelist.get_nodes_by_type(_TEMPLATE_NODES):
        for child in _named_templates(node):
            if child is None:
                walk.dynamic.append(f"{name}: {node!r}")
            else:
                _walk_template(walk, child)
    for node in template.nodelist.get_nodes_by_type(StaticNode):
        path = _constant(node.path)
        if path is None:
            walk.dynamic.append(f"{name}: {node!r}")
        else:
            walk.static.add(path)


def _named_templates(node: Node) -> list[str | None]:
    """The template names a node pulls in; None for a name held in a variable."""
    if isinstance(node, ExtendsNode):
        return [_constant(node.parent_name)]
    if isinstance(node, IncludeNode):
        return [_constant(node.template)]
    filename = node.filename  # an inclusion tag: a name, a Template or several names
    if isinstance(filename, Template):
        return [filename.origin.template_name]
    return [filename] if isinstance(filename, str) else list(filename)


def _constant(expression: FilterExpression) -> str | None:
    # A quoted string compiles to the string itself; a variable to a Variable.
    if isinstance(expression.var, str) and not expression.filters:
        return str.__str__(expression.var)  # a plain str, not the parser's SafeString
    return None


def _collect_loads(walk: _Walk, template: Template) -> None:
    """The tag libraries named by the template's {% load %} tags (Django's own lexer)."""
    for token in Lexer(template.source).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        bits = token.split_contents()
        if bits[0] != "load":
            continue
        # {% load a b %} or {% load name other from library %}
        names = bits[-1:] if len(bits) >= 4 and bits[-2] == "from" else bits[1:]
        walk.libraries.update(walk.engine.libraries[name] for name in names)


def _first_party_templates(engine: Engine, base_dir: Path) -> Iterable[tuple[str, Path]]:
    app_dirs = get_app_template_dirs("templates") if engine.app_dirs else ()
    for directory in [*engine.dirs, *app_dirs]:
        root = Path(directory).resolve()
        if not root.is_relative_to(base_dir) or _in_site_packages(root):
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path.relative_to(root).as_posix(), path


# --- Python modules -------------------------------------------------------------------


def _walk_module(walk: _Walk, name: str) -> None:
    if name in walk.seen:
        return
    walk.seen.add(name)
    top = name.partition(".")[0]
    if not walk.first_party_top(top):
        walk.third_party.add(top)
        return
    path = _module_file(name)
    if path is None:
        return  # a name imported from a module, not a module
    walk.modules[name] = path
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for imported in _imports(path, package):
        # Importing a.b.c runs a and a.b first.
        parts = imported.split(".")
        for end in range(1, len(parts) + 1):
            _walk_module(walk, ".".join(parts[:end]))


def _imports(path: Path, package: str) -> set[str]:
    """Every module the file's import statements name, at any depth (also the imports
    inside functions), and `b` of `from a import b`, which may be a module."""
    names: set[str] = set()
    statements = list(ast.parse(path.read_bytes(), filename=str(path)).body)
    while statements:
        node = statements.pop()
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = importlib.util.resolve_name("." * node.level + module, package)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        else:
            # Only statements hold imports: skip the expressions, most of the tree.
            statements.extend(
                child for child in ast.iter_child_nodes(node) if _holds_statements(child)
            )
    names.discard("__future__")
    return names


def _holds_statements(node: ast.AST) -> bool:
    return isinstance(node, ast.stmt | ast.excepthandler | ast.match_case)


def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.has_location or not spec.origin:
        return None
    return Path(spec.origin).resolve()


def _first_party(path: Path, base_dir: Path) -> bool:
    return path.is_relative_to(base_dir) and not _in_site_packages(path)


def _in_site_packages(path: Path) -> bool:
    # The virtualenv may sit inside the project's directory.
    return any(path.is_relative_to(directory) for directory in _installed_code())


@functools.cache
def _installed_code() -> tuple[Path, ...]:
    paths = sysconfig.get_paths()
    return tuple(
        Path(paths[key]).resolve() for key in ("purelib", "platlib", "stdlib", "platstdlib")
    )


@functools.cache
def _providers() -> Mapping[str, list[str]]:
    # What is installed does not change while the process runs; reading it takes a while.
    return importlib.metadata.packages_distributions()


def _distributions(top_level_names: set[str]) -> dict[str, str]:
    """Installed distributions providing these import names, with their versions; the
    standard library provides none."""
    tops = top_level_names - set(sys.stdlib_module_names)
    providers = _providers()
    names = {dist for top in tops for dist in providers.get(top, ())}
    return {name: importlib.metadata.version(name) for name in sorted(names, key=str.lower)}
