"""A cheaper miss for factory_boy's traits.

factory_boy decides each trait (``factory.Trait`` under ``Params``) by looking its flag up on
the resolver with a default of ``False``. A trait that was not asked for is a miss, and on a
miss factory_boy 3.3.3 builds its AttributeError's message from the repr of every value and
declaration of the factory, nested factories included, only for the caller to discard it
(https://github.com/FactoryBoy/factory_boy/issues/1125). The suite's factories make a quarter
of a million such misses in a run: about a twelfth of the time of the view tests.

``install`` answers a miss with a short AttributeError before factory_boy builds its message;
a name the factory declares goes to factory_boy as before, so cycles are still caught and
every value is computed the same way.
"""

from __future__ import annotations

from typing import Any

from factory import builder


class UnknownParameter(AttributeError):
    """A name the factory neither declares nor has computed."""

    def __init__(self, name: str) -> None:
        super().__init__(f"The parameter {name!r} is unknown.", name=name)


def install() -> None:
    """Put the cheaper miss in front of factory_boy's ``Resolver.__getattr__``, once."""
    resolve = builder.Resolver.__getattr__
    if getattr(resolve, "misses_cheaply", False):
        return

    def __getattr__(resolver: Any, name: str) -> Any:
        # The resolver's own attributes, as factory_boy's name-mangling stores them.
        declared = resolver._Resolver__declarations
        if name not in declared and name not in resolver._Resolver__values:
            raise UnknownParameter(name)
        return resolve(resolver, name)

    __getattr__.misses_cheaply = True  # type: ignore[attr-defined]
    builder.Resolver.__getattr__ = __getattr__  # type: ignore[method-assign]
