"""The suite's cheaper trait miss (``tests/support/factory_traits.py``) changes no value a
factory makes and no error it raises."""

from __future__ import annotations

import factory
import pytest
from factory import builder, errors


class CouncilFactory(factory.DictFactory):
    name = "Hackney"
    closed_on = None
    website = factory.LazyAttribute(lambda o: f"https://{o.name.lower()}.gov.uk")

    class Params:
        closed = factory.Trait(closed_on="2026-04-01")


def test_is_installed_for_the_whole_suite():
    assert getattr(builder.Resolver.__getattr__, "misses_cheaply", False)


def test_a_trait_applies_only_when_asked_for():
    assert CouncilFactory()["closed_on"] is None
    assert CouncilFactory(closed=True)["closed_on"] == "2026-04-01"
    assert CouncilFactory(name="Leeds")["website"] == "https://leeds.gov.uk"


def test_an_unknown_parameter_still_raises_and_names_it():
    class BrokenFactory(factory.DictFactory):
        website = factory.LazyAttribute(lambda o: o.nmae)

    with pytest.raises(AttributeError, match="'nmae' is unknown"):
        BrokenFactory()


def test_a_cycle_is_still_caught():
    class CyclicFactory(factory.DictFactory):
        a = factory.SelfAttribute("b")
        b = factory.SelfAttribute("a")

    with pytest.raises(errors.CyclicDefinitionError):
        CyclicFactory()
