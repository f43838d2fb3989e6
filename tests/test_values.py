"""`vibe_action.values` against the standard `dataclasses` it replaces: on generated classes and calls, each
decorator behaves as its `dataclasses` counterpart — what construction accepts and refuses, the values,
`repr`, equality, hashes, immutability, `replace`, `fields`, class-attribute defaults, `__slots__` and copies."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibe_action import values

NAMES = ["alpha", "beta", "gamma", "delta", "epsilon"]
SCALARS = st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=3), st.tuples(st.integers(0, 3)))


@st.composite
def field_specs(draw: st.DrawFn) -> list[tuple[str, str, Any, bool]]:
    """(name, kind, default, shown in repr) per field; kinds: required, default, factory (list or dict)."""
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=5))
    specs = []
    for name in names:
        kind = draw(st.sampled_from(["required", "default", "factory"]))
        default = (
            draw(st.one_of(SCALARS, st.just([])))
            if kind == "default"
            else draw(st.sampled_from([list, dict]))
            if kind == "factory"
            else None
        )
        specs.append((name, kind, default, draw(st.booleans())))
    return specs


def _classes(specs: list[tuple[str, str, Any, bool]], ours: Callable[[type], type], **theirs: bool) -> tuple[Any, Any]:
    """The same class body made by `values` (ours) and by `dataclasses.dataclass(**theirs)`; or the error both
    raise for it."""
    made = []
    for module, decorate in ((values, ours), (dataclasses, dataclasses.dataclass(**theirs))):
        body: dict[str, Any] = {"__annotations__": {name: "Any" for name, *_ in specs}, "__qualname__": "Made"}
        for name, kind, default, shown in specs:
            if kind == "default":
                body[name] = module.field(default=default, repr=shown) if not shown else default
            elif kind == "factory":
                body[name] = module.field(default_factory=default, repr=shown)
            elif not shown:
                body[name] = module.field(repr=False)
        try:
            made.append(decorate(type("Made", (), body)))
        except (TypeError, ValueError) as exc:
            made.append(type(exc).__name__)  # the error's name: both must refuse the body alike
    return made[0], made[1]


def _call(cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        return cls(*args, **kwargs)
    except TypeError as exc:
        return f"TypeError: {exc}"  # Python's own words for the call, with the class's name


def _same_instance(mine: Any, theirs: Any) -> None:
    assert repr(mine) == repr(theirs)
    assert [getattr(mine, f.name) for f in values.fields(mine)] == [
        getattr(theirs, f.name) for f in dataclasses.fields(theirs)
    ]
    assert [f.name for f in values.fields(mine)] == [f.name for f in dataclasses.fields(theirs)]
    assert mine == copy.copy(mine)
    assert mine != object()


ARGUMENTS = st.tuples(
    st.lists(SCALARS, max_size=6).map(tuple),
    st.dictionaries(st.sampled_from([*NAMES, "zeta"]), SCALARS, max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(field_specs(), ARGUMENTS)
def test_a_frozen_value_is_what_a_frozen_dataclass_is(
    specs: list[tuple[str, str, Any, bool]], arguments: tuple[tuple[Any, ...], dict[str, Any]]
) -> None:
    mine, theirs = _classes(specs, values.frozen, frozen=True)
    if isinstance(mine, str) or isinstance(theirs, str):
        assert mine == theirs  # the same error for the same body: ordering of defaults, a mutable default
        return
    args, kwargs = arguments
    built, expected = _call(mine, args, kwargs), _call(theirs, args, kwargs)
    if isinstance(built, str) or isinstance(expected, str):
        assert built == expected
        return
    _same_instance(built, expected)
    for name, *_ in specs:
        assert getattr(mine, name, "no attribute") == getattr(theirs, name, "no attribute")  # the class default
        with pytest.raises(AttributeError, match="cannot assign to field"):
            setattr(built, name, 1)
        with pytest.raises(AttributeError, match="cannot delete field"):
            delattr(built, name)
    assert mine.__match_args__ == theirs.__match_args__
    try:
        expected_hash: Any = hash(expected)
    except TypeError:
        expected_hash = TypeError
    try:
        built_hash: Any = hash(built)
    except TypeError:
        built_hash = TypeError
    assert built_hash == expected_hash
    if specs:
        name = specs[0][0]
        changed, reference = values.replace(built, **{name: "new"}), dataclasses.replace(expected, **{name: "new"})
        _same_instance(changed, reference)
        assert (changed == built) == (reference == expected)
    with pytest.raises(TypeError):
        values.replace(built, zeta=1)


@settings(max_examples=150, deadline=None)
@given(field_specs(), ARGUMENTS)
def test_a_compact_value_is_what_a_frozen_slotted_dataclass_is(
    specs: list[tuple[str, str, Any, bool]], arguments: tuple[tuple[Any, ...], dict[str, Any]]
) -> None:
    mine, theirs = _classes(specs, values.compact, frozen=True, slots=True)
    if isinstance(mine, str) or isinstance(theirs, str):
        assert mine == theirs
        return
    assert mine.__slots__ == theirs.__slots__
    assert mine.__qualname__ == theirs.__qualname__
    built, expected = _call(mine, *arguments), _call(theirs, *arguments)
    if isinstance(built, str) or isinstance(expected, str):
        assert built == expected
    else:
        _same_instance(built, expected)
        assert not hasattr(built, "__dict__")
        assert copy.deepcopy(built) == built


@settings(max_examples=150, deadline=None)
@given(field_specs(), ARGUMENTS)
def test_a_mutable_value_is_what_a_dataclass_is(
    specs: list[tuple[str, str, Any, bool]], arguments: tuple[tuple[Any, ...], dict[str, Any]]
) -> None:
    mine, theirs = _classes(specs, values.mutable)
    if isinstance(mine, str) or isinstance(theirs, str):
        assert mine == theirs
        return
    assert mine.__hash__ is None
    assert theirs.__hash__ is None
    built, expected = _call(mine, *arguments), _call(theirs, *arguments)
    if isinstance(built, str) or isinstance(expected, str):
        assert built == expected
    elif specs:
        _same_instance(built, expected)
        setattr(built, specs[0][0], "moved")
        setattr(expected, specs[0][0], "moved")
        _same_instance(built, expected)


@values.compact
class Spot:
    """Module level, so pickle can find it."""

    line: int
    column: int = 1


@values.frozen
class Keeps:
    """Methods a class defines are its own; the decorator adds only what is missing."""

    name: str
    secret: str = values.field(default="", repr=False)

    def __repr__(self) -> str:
        return f"Keeps({self.name})"


@values.mutable
class OwnInit:
    """Its own __init__ is kept, as dataclasses keeps it."""

    total: int

    def __init__(self, *parts: int) -> None:
        self.total = sum(parts)


@values.compact
class OtherSpot:
    line: int
    column: int = 1


def test_a_class_compiles_its_init_when_its_first_instance_is_made() -> None:
    """Defining a value class compiles nothing (the point of the module); the first instance gives the class its
    own `__init__`, with the signature a dataclass's would have."""
    made = values.frozen(type("Late", (), {"__annotations__": {"a": "int", "b": "int"}, "b": 2}))
    assert made.__init__ is values._init
    assert made(1) == made(1, 2)
    assert made.__init__ is not values._init
    assert made.__init__.__code__.co_varnames[1:3] == ("a", "b")
    assert made.__init__.__defaults__ == (2,)


def test_a_plain_subclass_makes_its_instances_with_the_value_class_init() -> None:
    base = values.frozen(type("Base", (), {"__annotations__": {"a": "int"}}))
    plain = type("Plain", (base,), {"__module__": __name__})
    assert plain(1).a == 1  # the first instance is the subclass's: the base's __init__ is compiled for it
    assert base(2).a == 2


def test_a_class_keeps_what_it_defines_and_values_survive_pickling() -> None:
    assert repr(Keeps("a", "hidden")) == "Keeps(a)"
    assert OwnInit(1, 2, 3) == OwnInit(6)
    assert Keeps("a", "x") != Keeps("a", "y")
    assert pickle.loads(pickle.dumps(Spot(3))) == Spot(3, 1)  # noqa: S301 — our own bytes
    assert copy.copy(Spot(2, 5)) == Spot(2, 5)
    assert Spot(1) != (1, 1)  # a value is no tuple
    assert Spot(1) != OtherSpot(1)  # nor equal to another class's value with the same fields
    with pytest.raises(values.FrozenInstanceError):
        Spot(1).line = 2  # type: ignore[misc]


def test_what_values_does_not_support_is_refused_not_misread() -> None:
    with pytest.raises(TypeError, match="not supported"):
        values.frozen(type("Counted", (), {"__annotations__": {"seen": "ClassVar[int]"}}))
    with pytest.raises(TypeError, match="cannot overwrite"):
        values.frozen(type("Own", (), {"__annotations__": {"a": "int"}, "__setattr__": lambda *_: None}))
    with pytest.raises(TypeError, match="cannot extend another"):
        values.frozen(type("Wider", (Spot,), {"__annotations__": {"depth": "int"}}))
    with pytest.raises(ValueError, match="both default and default_factory"):
        values.field(default=1, default_factory=list)
    with pytest.raises(TypeError, match="not a value class"):
        values.fields(object())
