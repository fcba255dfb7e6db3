"""Checking a letter template before it is stored: is it a Word document, does its Jinja
parse, does it name only what the letter has, does it render with sample data?

Every problem names where it is: the part (``document``, ``header1``, ``footer1``), the
paragraph and the paragraph's text, e.g. ``document ¶12: Unknown placeholder adressee.name in
“Dear {{ adressee.name }},”``. A template with any problem is refused as a whole.
"""

from __future__ import annotations

import dataclasses
import io
import types
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Union, get_args, get_origin, get_type_hints

from docx import Document
from jinja2 import TemplateError, TemplateSyntaxError, nodes

from common.errors import Problem
from common.i18n import N_
from documents.letters.kinds import KIND_CLASSES, Letter, LetterKind, Money
from documents.letters.present import context_of, properties_of
from documents.letters.render import (
    MAX_TEMPLATE_BYTES,
    MAX_UNPACKED_BYTES,
    Part,
    current_part,
    environment,
    open_template,
    parts,
    render_template,
    unpacked_size,
)


class _Any:
    """A value whose attributes are not checked (loop helpers, what a template sets)."""


class _Text:
    """A value the letter gives as text (names, formatted amounts, days and numbers): only
    the methods of text can be read from it."""


ANY = _Any()
TEXT = _Text()
PRESENTED_AS_TEXT = (str, Money, date, Decimal)


@dataclass(frozen=True)
class ListOf:
    item: Any


def _value_type(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        return _value_type(options[0]) if len(options) == 1 else ANY
    if origin in (tuple, list):
        return ListOf(_value_type(get_args(annotation)[0]))
    if annotation in PRESENTED_AS_TEXT:
        return TEXT
    if dataclasses.is_dataclass(annotation):
        return annotation
    return ANY


def attributes(cls: type) -> dict[str, Any]:
    """What a template may read from a presented ``cls``: fields and public properties."""
    hints = get_type_hints(cls)
    found = {f.name: _value_type(hints[f.name]) for f in dataclasses.fields(cls)}
    for name in properties_of(cls):
        returns = get_type_hints(getattr(cls, name).fget).get("return", Any)
        found[name] = _value_type(returns)
    return found | {name: TEXT for name in getattr(cls, "WORDED", ())}


def template_names(kind: LetterKind) -> dict[str, Any]:
    """The top-level names of a letter template of ``kind``."""
    return {**attributes(KIND_CLASSES[kind]), "language": ANY}


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    return "…"


class _NameCheck:
    """Walks a template's syntax tree; reports names and attributes the letter does not have."""

    def __init__(self, top: dict[str, Any], part: Part) -> None:
        self.top = top
        self.part = part
        self.problems: list[Problem] = []
        self.builtins = set(environment().globals) | {"loop", "caller", "varargs", "kwargs"}

    def report(self, node: nodes.Node, name: str) -> None:
        self.problems.append(unknown_placeholder(self.part, node.lineno, name))

    def visit(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is not None:
            return method(node, scope)
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return ANY

    def visit_Name(self, node: nodes.Name, scope: dict[str, Any]) -> Any:
        if node.ctx != "load":
            return ANY
        if node.name in scope:
            return scope[node.name]
        if node.name in self.top:
            return self.top[node.name]
        if node.name not in self.builtins:
            self.report(node, node.name)
        return ANY

    def visit_Getattr(self, node: nodes.Getattr, scope: dict[str, Any]) -> Any:
        owner = self.visit(node.node, scope)
        if owner is TEXT and not hasattr(str, node.attr):
            self.report(node, _dotted(node))
            return ANY
        if isinstance(owner, type):
            known = attributes(owner)
            if node.attr not in known:
                self.report(node, _dotted(node))
                return ANY
            return known[node.attr]
        return ANY

    def _bind(self, target: nodes.Node, value: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, ANY, scope)

    def visit_For(self, node: nodes.For, scope: dict[str, Any]) -> Any:
        iterated = self.visit(node.iter, scope)
        inner = dict(scope)
        self._bind(node.target, iterated.item if isinstance(iterated, ListOf) else ANY, inner)
        if node.test is not None:
            self.visit(node.test, inner)
        for child in node.body:
            self.visit(child, inner)
        for child in node.else_:
            self.visit(child, scope)
        return ANY

    def visit_Assign(self, node: nodes.Assign, scope: dict[str, Any]) -> Any:
        self._bind(node.target, self.visit(node.node, scope), scope)
        return ANY

    def visit_AssignBlock(self, node: nodes.AssignBlock, scope: dict[str, Any]) -> Any:
        for child in node.body:
            self.visit(child, scope)
        self._bind(node.target, ANY, scope)
        return ANY

    def visit_With(self, node: nodes.With, scope: dict[str, Any]) -> Any:
        inner = dict(scope)
        for target, value in zip(node.targets, node.values, strict=True):
            self._bind(target, self.visit(value, scope), inner)
        for child in node.body:
            self.visit(child, inner)
        return ANY

    def _callable(self, node: nodes.Macro | nodes.CallBlock, scope: dict[str, Any]) -> Any:
        inner = dict(scope)
        for argument in node.args:
            self._bind(argument, ANY, inner)
        for default in node.defaults:
            self.visit(default, scope)
        for child in node.body:
            self.visit(child, inner)
        return ANY

    def visit_Macro(self, node: nodes.Macro, scope: dict[str, Any]) -> Any:
        scope[node.name] = ANY
        return self._callable(node, scope)

    def visit_CallBlock(self, node: nodes.CallBlock, scope: dict[str, Any]) -> Any:
        self.visit(node.call, scope)
        return self._callable(node, scope)


def _where(part: Part, line: int) -> str:
    return f"{part.name} ¶{part.paragraph(line)}"


def unknown_placeholder(part: Part, line: int, name: str) -> Problem:
    return Problem(
        N_("Unknown placeholder {name} in “{text}”"),
        {"name": name, "text": part.line_text(line)},
        _where(part, line),
    )


def _syntax_problem(part: Part, error: TemplateError) -> Problem:
    line = getattr(error, "lineno", None) or 1
    return Problem(
        N_("Template error “{error}” in “{text}”"),
        {"error": error.message or str(error), "text": part.line_text(line)},
        _where(part, line),
    )


def _template_line(error: BaseException) -> int | None:
    """The template line a runtime error happened on (Jinja rewrites tracebacks so that the
    template's own lines appear in them)."""
    line = getattr(error, "lineno", None)
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _static_problems(template_parts: list[Part], kind: LetterKind) -> Iterator[Problem]:
    top = template_names(kind)
    env = environment()
    for part in template_parts:
        try:
            tree = env.parse(part.source)
            env.compile(part.source)
        except TemplateSyntaxError as error:
            yield _syntax_problem(part, error)
            continue
        except TemplateError as error:
            yield _syntax_problem(part, error)
            continue
        checker = _NameCheck(top, part)
        checker.visit(tree, {})
        yield from checker.problems


def _container_problem(data: bytes) -> Problem | None:
    if len(data) > MAX_TEMPLATE_BYTES:
        return Problem(
            N_("The template is larger than {limit} MB"),
            {"limit": MAX_TEMPLATE_BYTES // (1024 * 1024)},
            "file",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return Problem(N_("The file is not a Word document (.docx)"), {}, "file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
        if unpacked_size(data) > MAX_UNPACKED_BYTES:
            return Problem(
                N_("The template unpacks to more than {limit} MB"),
                {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)},
                "file",
            )
    except zipfile.BadZipFile:
        return Problem(N_("The file is not a Word document (.docx)"), {}, "file")
    if "word/document.xml" not in names:
        return Problem(N_("The file is not a Word document (.docx)"), {}, "file")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return Problem(N_("The template contains macros; save it as a .docx document"), {}, "file")
    return None


def _unreadable(error: BaseException) -> Problem:
    return Problem(
        N_("The template does not produce a readable document: {error}"),
        {"error": str(error)[:200]},
        "file",
    )


def check_template(data: bytes, kind: LetterKind, sample: Letter, language: str) -> list[Problem]:
    """Every problem of the template ``data`` for letters of ``kind`` (empty: it is usable).

    Rendering with ``sample`` (a letter of that kind) is the last step, so that errors only
    the data reveals (a loop over a number, a sandbox refusal) are caught too.
    """
    container = _container_problem(data)
    if container is not None:
        return [container]
    try:
        template = open_template(data)
        template_parts = list(parts(template))
    except Exception:
        return [Problem(N_("The file is not a Word document (.docx)"), {}, "file")]
    problems = list(_static_problems(template_parts, kind))
    if problems:
        return problems
    by_name = {part.name: part for part in template_parts}
    try:
        rendered = render_template(template, context_of(sample, language))
    except Exception as error:
        line = _template_line(error)
        if line is None:
            return [_unreadable(error)]
        part = by_name.get(current_part(template), template_parts[0])
        return [
            Problem(
                N_("Template error “{error}” in “{text}”"),
                {"error": str(error)[:200], "text": part.line_text(line)},
                _where(part, line),
            )
        ]
    try:
        Document(io.BytesIO(rendered))
    except Exception as error:
        return [_unreadable(error)]
    return []
