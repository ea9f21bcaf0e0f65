"""Record ↔ row: how a frozen dataclass of :mod:`narratrace.types` becomes a JSON row of the
store and comes back, nested records and tuples restored from the field types."""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

_FIELDS: dict[type, tuple[str, ...]] = {}
_DECODERS: dict[type, tuple[tuple[str, Callable[[Any], Any] | None], ...]] = {}


def to_row(record: Any, *, omit_none: bool = False) -> dict[str, Any]:
    """The record as a JSON-ready dict: ``dataclasses.asdict`` without its deep copies of
    immutable values (records are frozen; their fields hold strings, numbers, tuples and
    records): the same dict, 3x faster, which was a third of the driver's time writing a corpus
    to the store. ``omit_none`` leaves out top-level fields that are None.

    >>> from narratrace.types import Speaker
    >>> to_row(Speaker("She", 0, 3))
    {'text': 'She', 'start': 0, 'end': 3, 'entity': None, 'mention_start': None, 'mention_end': None, 'actor': None}
    >>> to_row(Speaker("She", None, None), omit_none=True)
    {'text': 'She'}
    """
    names = _FIELDS.get(type(record))
    if names is None:
        names = _FIELDS[type(record)] = tuple(f.name for f in dataclasses.fields(record))
    if omit_none:
        return {name: _plain(value) for name in names
                if (value := getattr(record, name)) is not None}
    return {name: _plain(getattr(record, name)) for name in names}


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_row(value)
    if type(value) is tuple:
        return tuple(_plain(v) for v in value)
    if type(value) is list:
        return [_plain(v) for v in value]
    if type(value) is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple, as asdict does
        return type(value)(*[_plain(v) for v in value])
    return copy.deepcopy(value)


def from_row(cls: type[T], row: Mapping[str, Any]) -> T:
    """The record of type ``cls`` a row holds (:func:`to_row` reversed; JSON lists become the
    tuples the fields declare, nested rows their records). Keys the record does not know (a
    newer store) are ignored; fields the row lacks (an older store) take their defaults.

    >>> from narratrace.types import Attribution, Speaker
    >>> a = Attribution("a1", "d1", "direct", Speaker("She", 0, 3), "said", "no", 5, 7,
    ...                 hedges=("allegedly",))
    >>> import json
    >>> from_row(Attribution, json.loads(json.dumps(to_row(a)))) == a
    True
    """
    decoders = _DECODERS.get(cls)
    if decoders is None:
        decoders = _DECODERS[cls] = _decoders(cls)
    values = {}
    for name, decode in decoders:
        if name in row:
            value = row[name]
            values[name] = value if decode is None or value is None else decode(value)
    return cls(**values)


def _decoders(cls: type) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls))


def _decoder(hint: Any) -> Callable[[Any], Any] | None:
    """How to restore a JSON value to ``hint``; None when it is already right (str, int,
    float, bool, Literal, Mapping, Any)."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        record = hint
        return lambda value: from_row(record, value)
    if origin in (typing.Union, types.UnionType):
        inner = [_decoder(a) for a in typing.get_args(hint) if a is not type(None)]
        present = [d for d in inner if d is not None]
        return present[0] if len(present) == 1 else None
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            if item is None:
                return tuple
            return lambda value: tuple(item(v) for v in value)
        parts = [_decoder(a) for a in args]
        return lambda value: tuple(v if d is None else d(v) for d, v in zip(parts, value, strict=True))
    return None
