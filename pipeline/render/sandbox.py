"""The Jinja environment templates are rendered in.

Jinja's ``SandboxedEnvironment`` keeps a template away from Python's
internals and from files, but not from the machine's memory and time:
``{{ 'A' * 4000000000 }}`` asks for 4 GB, two nested ``range(100000)``
loops never end. Here every document is rendered under a budget
(:class:`Budget`), renewed by :meth:`Environment.begin` for each document:

- what it produces: ``MAX_OUTPUT`` bytes of text (plus the Word exposés it
  prints), counting each value printed, each value an operation builds, and
  the template's own text once per loop turn;
- each value: ``MAX_VALUE`` characters or items, judged before the
  operations that multiply (``*``, ``+``, ``%``, ``join``, ``replace``,
  ``indent``, widths and counts…) and checked after every operation;
- what it repeats: ``MAX_STEPS`` loop turns, filters and operators (a
  call counts for ``CALL_COST``), and ``range()`` up to ``MAX_RANGE`` items;
- its time: ``MAX_SECONDS`` of processor time.

A document that gathers several meetings' (the register of a year) has
their budgets together: :func:`gathering`.

A template over a limit stops with :class:`Exceeded`, whose message (in
French) says which; ``docx.render`` names the template. The limits are
far above any real meeting (docs/reliability.md, section 7).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import itertools
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

from jinja2 import FunctionLoader, StrictUndefined, nodes, pass_context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import _PassArg
from markupsafe import Markup, escape

MAX_OUTPUT = 100_000_000  # bytes of text produced per document, Word exposés aside
MAX_VALUE = 10_000_000  # characters or items of one value
MAX_STEPS = 1_000_000  # loop turns, calls, filters and operators per document
MAX_SECONDS = 10.0  # processor time per document
MAX_RANGE = 10_000  # items of one range()
MAX_COUNT = 100_000  # a width, a count, a number of slices
MAX_BITS = 10_000  # a whole number of about 3,000 digits
CALL_COST = 10  # steps a call counts for: a macro call costs as much as 20 loop turns
_TURNS_PER_LOOK = 16  # loop turns between two looks at the clock (0.2 µs a look)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


CHECK = "vérifiez ses balises (boucles, répétitions)"
TOO_LONG = f"ce modèle produit un document démesuré (plus de {MAX_OUTPUT // 10**6} Mo) : {CHECK}."
TOO_BIG = (
    f"ce modèle fabrique un texte ou une liste démesurés (plus de {_n(MAX_VALUE)} caractères "
    f"ou éléments) : {CHECK}."
)
TOO_MANY = (
    f"ce modèle répète trop d’opérations (plus de {_n(MAX_STEPS)} tours de boucle ou "
    f"calculs) : {CHECK}."
)
TOO_SLOW = f"le rendu de ce modèle dépasse {MAX_SECONDS:.0f} secondes de calcul : {CHECK}."
RANGE = f"range() ne va pas au-delà de {_n(MAX_RANGE)} éléments dans un modèle : {CHECK}."
COUNT = f"ce modèle demande une largeur ou un nombre démesurés (plus de {_n(MAX_COUNT)}) : {CHECK}."
NUMBER = (
    f"ce modèle calcule un nombre démesuré (plus de {_n(MAX_BITS * 3 // 10)} chiffres) : {CHECK}."
)
RECURSION = (
    "ce modèle s’appelle lui-même sans fin (macro ou boucle récursive) : vérifiez ses balises."
)
MEMORY = f"le rendu de ce modèle demande plus de mémoire que l’ordinateur n’en a : {CHECK}."


# The code of each limit (« area.what »), for the report.
CODES = {
    TOO_LONG: "template.too-large",
    TOO_BIG: "template.value-too-large",
    TOO_MANY: "template.too-many-steps",
    TOO_SLOW: "template.too-slow",
    RANGE: "template.range-too-large",
    COUNT: "template.count-too-large",
    NUMBER: "template.number-too-large",
    RECURSION: "template.recursion",
    MEMORY: "template.out-of-memory",
}


class Exceeded(Exception):
    """A template over one of the limits; the message is for the clerk."""


def failure_code(exc: Exception) -> str:
    """The code of the limit :func:`failure` words (every limit's message is
    one of :data:`CODES`)."""
    return CODES[failure(exc)]


def failure(exc: Exception) -> str:
    """The French message of a limit reached while rendering (:class:`Exceeded`,
    ``RecursionError`` or ``MemoryError``)."""
    if isinstance(exc, RecursionError):
        return RECURSION
    if isinstance(exc, MemoryError):
        return MEMORY
    return str(exc)


# --- sizes -------------------------------------------------------------------------------


def size(value: Any, limit: int = MAX_VALUE, depth: int = 0) -> int:
    """About how many characters ``value`` holds, counted up to ``limit``
    (and 20 levels of nested lists: a list may hold itself)."""
    return _measure(value, limit, depth, len, 2)


def memory(value: Any, limit: int, depth: int = 0) -> int:
    """About how many bytes ``value`` takes, counted up to ``limit``."""
    return _measure(value, limit, depth, sys.getsizeof, 8)


def _measure(value: Any, limit: int, depth: int, text: Callable[[Any], int], slot: int) -> int:
    if isinstance(value, (str, bytes)):
        return text(value)
    if isinstance(value, (list, tuple, set, frozenset, dict)) and depth < 20:
        items = itertools.chain(value.keys(), value.values()) if isinstance(value, dict) else value
        total = slot * len(value)
        for item in items:
            if total > limit:
                break
            total += _measure(item, limit - total, depth + 1, text, slot)
        return total
    return slot


def check_value(value: Any) -> Any:
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        if len(value) > MAX_VALUE:
            raise Exceeded(TOO_BIG)
    elif isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise Exceeded(NUMBER)
    return value


def _over(total: int) -> None:
    if total > MAX_VALUE:
        raise Exceeded(TOO_BIG)


def _bits(bits: int) -> None:
    if bits > MAX_BITS:
        raise Exceeded(NUMBER)


def _count(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value > MAX_COUNT:
        raise Exceeded(COUNT)


_PERCENT_SPEC = re.compile(r"%[#0 +\-]*(\d*)(?:\.(\d*))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")
_GIVEN_WIDTH = re.compile(r"%[#0 +\-]*\d*\.?\*|\{[^{}]*\{")


def check_format(template: Any, args: Any = ()) -> None:
    """Widths and precisions of a ``%`` or ``{}`` format, written in it or,
    with ``*`` or ``{:{}}``, given among its arguments."""
    if not isinstance(template, str):
        return
    numbers = [n for m in _PERCENT_SPEC.finditer(template) for n in m.groups() if n]
    numbers += [n for m in _BRACE_SPEC.finditer(template) for n in re.findall(r"\d+", m[1])]
    if any(len(n) > 6 or int(n) > MAX_COUNT for n in numbers):
        raise Exceeded(COUNT)
    if _GIVEN_WIDTH.search(template):
        values = args.values() if isinstance(args, dict) else args
        for arg in values if isinstance(values, (tuple, list, type({}.values()))) else (args,):
            _count(arg)
    _over(len(template) + size(args))


# Operators and operations that multiply, judged before they run: (value,
# positional arguments, keyword arguments) of the filter or method.


def _binop(operator: str, left: Any, right: Any) -> None:
    sequences = (str, bytes, list, tuple)
    if operator == "*":
        if isinstance(left, int) and isinstance(right, sequences):
            left, right = right, left
        if isinstance(left, sequences) and isinstance(right, int):
            _over(len(left) * max(right, 0))
        elif isinstance(left, int) and isinstance(right, int):
            _bits(left.bit_length() + right.bit_length())
    elif operator == "+":
        if isinstance(left, sequences) and isinstance(right, sequences):
            _over(len(left) + len(right))
    elif operator == "**":
        power = isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0
        if power:
            _bits(right if right > MAX_BITS else left.bit_length() * right)
    elif operator == "%":
        check_format(left, right)


def _join(value, args, kwargs) -> None:
    separator = args[0] if args else kwargs.get("d", "")
    if isinstance(value, Sized):
        _over(size(value) + len(value) * size(separator))


def _replace(value, args, kwargs) -> None:
    if isinstance(value, (str, bytes)) and len(args) >= 2:
        old, new = args[0], args[1]
        if isinstance(old, type(value)) and isinstance(new, type(value)):
            times = value.count(old)
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                times = min(times, args[2])
            _over(len(value) + times * len(new))


def _indent(value, args, kwargs) -> None:
    width = args[0] if args else kwargs.get("width", 4)
    width = len(width) if isinstance(width, str) else width
    _count(width)
    if isinstance(value, str) and isinstance(width, int):
        _over(len(value) + (value.count("\n") + 1) * max(width, 0))


def _counts(value, args, kwargs) -> None:
    for arg in [*args, *kwargs.values()]:
        _count(arg)


def _tabs(value, args, kwargs) -> None:
    tab = args[0] if args else kwargs.get("tabsize", 8)
    _count(tab)
    if isinstance(value, str) and isinstance(tab, int):
        _over(len(value) + value.count("\t") * tab)


def _translate(value, args, kwargs) -> None:
    if isinstance(value, str) and args and isinstance(args[0], dict):
        longest = max((size(v) for v in args[0].values()), default=0)
        _over(len(value) * max(longest, 1))


def _sum(value, args, kwargs) -> None:
    if isinstance(value, Sized):
        _over(size(value))


def _format(value, args, kwargs) -> None:
    check_format(value, (*args, *kwargs.values()))


def _grows(value, args, kwargs) -> None:
    if isinstance(value, Sized) and args:
        _over(len(value) + size(args[0]))


Check = Callable[[Any, tuple, dict], None]
FILTERS: dict[str, Check] = {
    "join": _join,
    "replace": _replace,
    "indent": _indent,
    "center": _counts,
    "wordwrap": _counts,
    "truncate": _counts,
    "batch": _counts,
    "slice": _counts,
    "tojson": _counts,
    "sum": _sum,
    "format": _format,
}
METHODS: dict[str, Check] = {
    "join": lambda value, args, kwargs: _join(args[0] if args else (), (value,), {}),
    "replace": _replace,
    "center": _counts,
    "ljust": _counts,
    "rjust": _counts,
    "zfill": _counts,
    "expandtabs": _tabs,
    "translate": _translate,
    "format": _format,
    "format_map": lambda value, args, kwargs: _format(value, args[0] if args else (), {}),
    "extend": _grows,
    "update": _grows,
}
_WHOLE = {"join", "sum"}  # filters and methods that take an iterable whole


def _whole(args: tuple, index: int) -> tuple:
    """``args`` with its item ``index`` made a list, if it is an iterator
    (``map`` and ``select`` give one): its size can then be judged."""
    if len(args) > index and not isinstance(args[index], Sized):
        return (*args[:index], check_value(list(args[index])), *args[index + 1 :])
    return args


# --- the budget of a document ------------------------------------------------------------


_shares = 1  # the meetings a document gathers (:func:`gathering`)


@contextlib.contextmanager
def gathering(meetings: int) -> Iterator[None]:
    """The documents rendered within have the budget of ``meetings``
    meetings' documents together (the register of a year: 12 large
    meetings in one document); a hostile template stays bounded, by as
    many budgets as meetings it prints."""
    global _shares
    before, _shares = _shares, max(1, meetings)
    try:
        yield
    finally:
        _shares = before


class Budget:
    """What one document may still use; ``allowed``: texts it may print on
    top of ``MAX_OUTPUT`` (the XML of the Word exposés it holds)."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self.output = MAX_OUTPUT * _shares + sum(sys.getsizeof(text) for text in allowed)
        self.steps = MAX_STEPS * _shares
        self.deadline = time.thread_time() + MAX_SECONDS * _shares

    def step(self, every: int = 1, cost: int = 1) -> None:
        """``cost`` more steps; a look at the clock every ``every`` steps (each
        filter, call or operator may be slow on a large value)."""
        self.steps -= cost
        if self.steps < 0:
            raise Exceeded(TOO_MANY)
        if self.steps % every == 0 and time.thread_time() > self.deadline:
            raise Exceeded(TOO_SLOW)

    def produced(self, value: Any) -> Any:
        """Count ``value`` (printed, or built by an operation) against the
        output allowed: whichever way a template's text grows, it is bounded."""
        # What it takes in memory (a character: 1 to 4 bytes).
        self.output -= memory(value, self.output)
        if self.output < 0:
            raise Exceeded(TOO_LONG)
        return value


# --- loops and concatenations, bounded where they are compiled -----------------------------


def _text_in(body: list[nodes.Node]) -> int:
    """Characters of template text in ``body``, nested loops aside (each
    counts its own)."""
    total = 0
    for node in body:
        if isinstance(node, nodes.TemplateData):
            total += len(node.data)
        elif not isinstance(node, nodes.For):
            total += _text_in(list(node.iter_child_nodes()))
    return total


def _instrument(tree: nodes.Template) -> list[tuple[nodes.Node, str, int | None, Any]]:
    """Put every loop's iterable through ``_turns`` (a step and the loop's
    own text at each turn) and every ``~`` through ``_built``; returns what
    to put back, so that the tree stays as parsed."""
    changed = []
    for node in list(tree.find_all(nodes.Node)):
        for field in node.fields:
            value = getattr(node, field)
            for index, child in enumerate(value) if isinstance(value, list) else [(None, value)]:
                if isinstance(node, nodes.For) and field == "iter":
                    text = nodes.Const(_text_in(node.body))
                    new = nodes.Filter(child, "_turns", [text], [], None, None)
                elif isinstance(child, nodes.Concat):
                    new = nodes.Filter(child, "_built", [], [], None, None)
                else:
                    continue
                new.set_lineno(child.lineno)
                changed.append((node, field, index, child))
                if index is None:
                    setattr(node, field, new)
                else:
                    value[index] = new
    return changed


def _put_back(changed: list[tuple[nodes.Node, str, int | None, Any]]) -> None:
    for node, field, index, child in changed:
        if index is None:
            setattr(node, field, child)
        else:
            getattr(node, field)[index] = child


@pass_context
def _turns(context, iterable: Any, text: int):
    budget = context.environment.budget
    for item in iterable:
        budget.step(_TURNS_PER_LOOK)
        budget.output -= text
        if budget.output < 0:
            raise Exceeded(TOO_LONG)
        yield item


@pass_context
def _built(context, value: Any) -> Any:
    context.environment.budget.step()
    context.environment.budget.produced(value)
    return check_value(value)


def _range(*args: int) -> range:
    found = range(*args)
    if len(found) > MAX_RANGE:
        raise Exceeded(RANGE)
    return found


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    from jinja2.utils import generate_lorem_ipsum

    if n > 100 or max > 1000:
        raise Exceeded(COUNT)
    return generate_lorem_ipsum(n, html, min, max)


# --- every value printed -----------------------------------------------------------------

# docxtpl turns "{_{", "}_}", "{_%" and "%_}" of the rendered XML into "{{",
# "}}", "{%" and "%}", data included: a "_" next to one of "{}%", or at either
# end of a value (what comes before or after may be one), is written as a
# character reference, which the XML parser gives back as "_".
_NEXT_TO_BRACE = re.compile(r"(?<=[{}%])_|_(?=[{}%])")
_AT_AN_END = re.compile(r"^_|_$")


def as_typed(value: Any) -> Any:
    """``value`` as a document's XML holds it, so that docxtpl's
    post-processing leaves its text as typed."""
    if hasattr(value, "__html__"):  # a Markup, a Word exposé: printed as it is
        return Markup(_NEXT_TO_BRACE.sub("&#95;", value.__html__()))
    if isinstance(value, str) and "_" in value:
        xml = _NEXT_TO_BRACE.sub("&#95;", str(escape(value)))
        return Markup(_AT_AN_END.sub("&#95;", xml))
    return value


@pass_context
def _finalize_xml(context, value: Any) -> Any:
    return context.environment.budget.produced(as_typed(value))


@pass_context
def _finalize_text(context, value: Any) -> Any:
    context.environment.budget.produced(value)
    return value


# --- the environment ---------------------------------------------------------------------


class Environment(SandboxedEnvironment):
    """Sandboxed, strict, without files, and bounded (module docstring).
    ``xml``: values are printed into a document's XML (escaped, and as
    typed through docxtpl); otherwise into plain text (the document's
    properties), unescaped."""

    intercepted_binops = frozenset({"*", "+", "%", "**"})

    def __init__(self, xml: bool = True) -> None:
        nothing = FunctionLoader(lambda name: None)  # {% include %} and the like find no file
        super().__init__(
            autoescape=xml,
            undefined=StrictUndefined,
            loader=nothing,
            finalize=_finalize_xml if xml else _finalize_text,
        )
        self.budget = Budget()
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum
        self.filters = {name: self._bounded(name, f) for name, f in self.filters.items()}
        self.filters["_turns"] = _turns
        self.filters["_built"] = _built

    def begin(self, allowed: Iterable[str] = ()) -> None:
        """A new document: a full budget (``allowed``: see :class:`Budget`)."""
        self.budget = Budget(allowed)

    def _generate(self, source, name, filename, defer_init=False):  # noqa: ANN001
        changed = _instrument(source)
        try:
            return super()._generate(source, name, filename, defer_init=defer_init)
        finally:
            _put_back(changed)

    def _bounded(self, name: str, f: Any) -> Any:
        before = FILTERS.get(name)
        first = 0 if _PassArg.from_obj(f) is None else 1  # the value, after any context

        @functools.wraps(f)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            self.budget.step()
            if name in _WHOLE:
                args = _whole(args, first)
            if before is not None and len(args) > first:
                before(args[first], args[first + 1 :], kwargs)
            return self.budget.produced(check_value(f(*args, **kwargs)))

        return bounded

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:  # noqa: ANN001
        self.budget.step()
        _binop(operator, left, right)
        result = check_value(super().call_binop(context, operator, left, right))
        self.budget.produced(result)
        return result

    def call(__self, __context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self.budget.step(cost=CALL_COST)
        method = inspect.unwrap(__obj)  # str.format comes wrapped by the sandbox
        owner = getattr(method, "__self__", None)
        name = getattr(method, "__name__", "")
        if isinstance(owner, (str, bytes, list, dict, set)):
            if name in _WHOLE:
                args = _whole(args, 0)
            if name in METHODS:
                METHODS[name](owner, args, kwargs)
        result = SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
        __self.budget.produced(check_value(result))
        if isinstance(owner, (list, dict, set)):
            check_value(owner)  # grown in place (append, extend, update)
        return result
