"""References people quote: a prefix, then six characters that cannot be misread."""

from __future__ import annotations

import re

import pytest

from declaration.models import Signing
from funding.models import Application, ExpressionOfInterest
from localdigital.references import REFERENCE_ALPHABET, new_reference
from tests.declaration.factories import SigningFactory
from tests.funding.factories import ApplicationFactory, EoiFactory


def test_has_the_prefix_then_six_characters_none_of_which_can_be_misread():
    references = {new_reference("LDF") for _ in range(200)}

    assert all(re.fullmatch(r"LDF-[2-9A-HJKMNP-Z]{6}", reference) for reference in references)
    assert not set("01ILO") & set(REFERENCE_ALPHABET)
    assert len(references) == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "model", "prefix"),
    [
        (SigningFactory, Signing, "LDD"),
        (EoiFactory, ExpressionOfInterest, "EOI"),
        (ApplicationFactory, Application, "LDF"),
    ],
)
def test_each_kind_of_record_gets_a_reference_with_its_own_prefix(factory, model, prefix):
    record = factory()

    saved = model.objects.get(pk=record.pk)

    assert re.fullmatch(rf"{prefix}-[{REFERENCE_ALPHABET}]{{6}}", saved.reference)
