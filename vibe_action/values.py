"""Value classes — what `@dataclass(frozen=True)` gives the gate — without the standard `dataclasses` module.

Why not `dataclasses`: it imports `inspect` (with ast, dis and tokenize, ~6 ms), then writes and compiles the
source of six methods for every frozen class as the class is defined (~0.4 ms a class). A dry run defines 55 of
them: 27 of its 75 ms went there (`make bench`, issue 21; the same run with these classes: 48 ms). Here every
class shares one set of methods, which read the class's field list, so defining a class costs what setting a few
attributes on it costs; only `__init__` is compiled, once a class, when its first instance is made, so instances
are made as fast as a dataclass's.

What the gate uses, as `dataclasses` does it (tests/test_values.py holds each against `dataclasses` itself, on
generated classes): construction by position or keyword with defaults and `field(default_factory=...)`; the class
attribute is the default; a mutable default is refused; `repr` (fields with `repr=False` left out), equality with
an instance of the same class only, hashing of frozen values, `FrozenInstanceError` on assignment or deletion,
methods the class defines itself kept, `__match_args__`, `replace()`, `fields()`; `compact` adds `__slots__`
(and copies). Not supported, because no class here needs it: inheritance between value classes,
`__post_init__`, ClassVar and InitVar fields, keyword-only fields, ordering.

Type checkers read the decorators as `dataclass_transform` (PEP 681) ones, so construction, defaults and
immutability are checked as for dataclasses.
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: see vibe_action/__init__.py
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from typing_extensions import dataclass_transform  # Python 3.10's typing has none; only the checker needs it

    T = TypeVar("T")
else:

    def dataclass_transform(**_options):
        return lambda decorator: decorator


class FrozenInstanceError(AttributeError):
    """An assignment to, or a deletion of, a field of a frozen value."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # "no default": None is a default like any other


class Field:
    """One field: its name, its default or the factory that makes one, and whether `repr` shows it."""

    __slots__ = ("default", "default_factory", "name", "repr")

    def __init__(self, default: Any = MISSING, default_factory: Callable[[], Any] | None = None, repr: bool = True):
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.repr = repr

    @property
    def required(self) -> bool:
        return self.default is MISSING and self.default_factory is None

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] | None = None, repr: bool = True) -> Any:
    """A field whose default is made per instance (`default_factory`) or hidden from `repr` (a secret)."""
    if default is not MISSING and default_factory is not None:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, repr)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[T]) -> type[T]:
    """An immutable, hashable value class: `@dataclass(frozen=True)`."""
    return _make(cls, frozen=True, slots=False)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def compact(cls: type[T]) -> type[T]:
    """`frozen`, with `__slots__`: for classes made once per value of a document, where a `__dict__` each adds up."""
    return _make(cls, frozen=True, slots=True)


@dataclass_transform(field_specifiers=(field,))
def mutable(cls: type[T]) -> type[T]:
    """A class whose fields may be reassigned (equal by value, so not hashable): `@dataclass`."""
    return _make(cls, frozen=False, slots=False)


def fields(value: Any) -> tuple[Field, ...]:
    """The fields of a value class or of one of its instances, in definition order."""
    try:
        found: tuple[Field, ...] = value.__value_fields__
    except AttributeError:
        raise TypeError(f"{value!r} is not a value class or instance") from None
    return found


def replace(value: T, /, **changes: Any) -> T:
    """A copy of `value` with some fields changed (through `__init__`, so a field that does not exist is refused)."""
    current = {spec.name: getattr(value, spec.name) for spec in fields(value)}
    return type(value)(**{**current, **changes})


def _make(cls: type[T], *, frozen: bool, slots: bool) -> type[T]:
    if any("__value_fields__" in base.__dict__ for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__name__}: a value class cannot extend another (its fields would be lost)")
    specs = _fields_of(cls, slots)
    names = tuple(spec.name for spec in specs)
    own = dict(cls.__dict__)  # what the class itself defines is kept (as dataclasses keeps it)
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if frozen and ("__setattr__" in own or "__delattr__" in own):
        raise TypeError(f"cannot overwrite __setattr__ or __delattr__ in the frozen class {cls.__name__}")
    if slots:
        body = {key: item for key, item in own.items() if key not in (*names, "__dict__", "__weakref__")}
        qualname = cls.__qualname__
        made: Any = type(cls)
        cls = made(cls.__name__, cls.__bases__, {**body, "__slots__": names})
        cls.__qualname__ = qualname
    methods: dict[str, Any] = {"__match_args__": names, "__value_fields__": specs}
    methods["__value_key__"] = staticmethod(
        attrgetter(*names) if len(names) > 1 else lambda value: tuple(getattr(value, name) for name in names)
    )
    kept = (("__init__", _init), ("__repr__", _repr), ("__eq__", _eq))
    methods.update({name: method for name, method in kept if name not in own})
    if frozen:
        methods.update({"__setattr__": _refuse_assignment, "__delattr__": _refuse_deletion})
        methods.update({"__getstate__": _state, "__setstate__": _set_state} if slots else {})
    if not explicit_hash:
        methods["__hash__"] = _hash if frozen else None
    for name, method in methods.items():
        setattr(cls, name, method)
    return cls


def _fields_of(cls: type, slots: bool) -> tuple[Field, ...]:
    """The fields the class body annotates, in order; the class attribute becomes the default (as dataclasses)."""
    specs = []
    defaulted = ""
    # The class's own annotations (strings: every module has `from __future__ import annotations`), read from its
    # __dict__ because inspect.get_annotations would load inspect, which is what this module avoids.
    own = cls.__dict__.get("__annotations__")  # noqa: RUF063
    for name, annotation in (own if own is not None else getattr(cls, "__annotations__", {})).items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar", "InitVar", "dataclasses.InitVar")):
            raise TypeError(f"{cls.__name__}.{name}: ClassVar and InitVar fields are not supported")
        given = cls.__dict__.get(name, MISSING)
        spec = given if isinstance(given, Field) else Field(default=given)
        spec.name = name
        if spec.default is not MISSING and type(spec.default).__hash__ is None:
            raise ValueError(
                f"mutable default {type(spec.default)} for field {name} is not allowed: use default_factory"
            )
        if not slots and isinstance(given, Field):
            if spec.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
        specs.append(spec)
    for spec in specs:  # after every field is read, as dataclasses does: a mutable default is named first
        if not spec.required:
            defaulted = defaulted or spec.name
        elif defaulted:
            raise TypeError(f"non-default argument {spec.name!r} follows default argument {defaulted!r}")
    return tuple(specs)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    """The first instance of a class: write and compile the class's own `__init__` (straight-line code, as fast as
    a dataclass's), install it, and run it. Only the classes a run makes instances of pay for a compilation,
    one each, where dataclasses compiled six methods for every class defined."""
    owner = next(c for c in type(self).__mro__ if c.__dict__.get("__init__") is _init)  # a plain subclass's too
    compiled = _compiled_init(owner)
    owner.__init__ = compiled  # type: ignore[misc]
    compiled(self, *args, **kwargs)


def _compiled_init(cls: type) -> Callable[..., None]:
    specs: tuple[Field, ...] = cls.__value_fields__  # type: ignore[attr-defined]
    # Names the generated code uses itself start with `__value_`; field names are identifiers (they were
    # annotations), so the source holds nothing a caller wrote.
    scope: dict[str, Any] = {"__value_set__": object.__setattr__, "__value_missing__": MISSING}
    parameters, lines = ["__value_self__"], []
    for number, spec in enumerate(specs):
        name = spec.name
        if spec.default_factory is not None:
            scope[f"__value_factory_{number}__"] = spec.default_factory
            parameters.append(f"{name}=__value_missing__")
            lines.append(f"    if {name} is __value_missing__:\n        {name} = __value_factory_{number}__()")
        elif spec.default is not MISSING:
            scope[f"__value_default_{number}__"] = spec.default
            parameters.append(f"{name}=__value_default_{number}__")
        else:
            parameters.append(name)
        lines.append(f"    __value_set__(__value_self__, {name!r}, {name})")
    source = f"def __init__({', '.join(parameters)}):\n" + "\n".join(lines or ["    pass"]) + "\n"
    exec(source, scope)  # noqa: S102 — the source is made above from field names only
    made: Callable[..., None] = scope["__init__"]
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    made.__module__ = cls.__module__
    return made


def _repr(self: Any) -> str:
    shown = ", ".join(f"{spec.name}={getattr(self, spec.name)!r}" for spec in self.__value_fields__ if spec.repr)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> object:
    if other.__class__ is self.__class__:
        same: bool = self.__value_key__(self) == self.__value_key__(other)
        return same
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__value_key__(self))


def _refuse_assignment(self: Any, name: str, value: object) -> None:  # noqa: ARG001 — __setattr__'s signature
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: Any, name: str) -> None:  # noqa: ARG001 — __delattr__'s signature
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _state(self: Any) -> tuple[Any, ...]:
    state: tuple[Any, ...] = self.__value_key__(self)  # the field values in order, as equality compares them
    return state


def _set_state(self: Any, state: tuple[Any, ...]) -> None:
    for spec, value in zip(self.__value_fields__, state, strict=True):
        object.__setattr__(self, spec.name, value)
