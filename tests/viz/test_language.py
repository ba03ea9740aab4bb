"""viz.language: one switch for the language of everything a student reads."""

from __future__ import annotations

import pytest

import viz
from viz.language import Catalog, language, set_language, using_language


def test_a_catalog_speaks_the_language_set():
    catalog = Catalog({"step": {"en": "step {n}", "es": "paso {n}"}})
    with using_language("es"):
        assert catalog("step", n=3) == "paso 3"
    assert catalog("step", n=3) == "step 3"


def test_using_language_restores_the_language_before_it_even_after_an_error():
    with pytest.raises(RuntimeError):
        with using_language("es"):
            assert language() == "es"
            raise RuntimeError
    assert language() == "en"


def test_set_language_is_for_the_whole_process_and_viz_exports_it():
    try:
        viz.set_language("es")
        assert language() == "es"
    finally:
        set_language("en")


def test_an_unknown_language_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"unknown language 'fr' \(must be one of 'en', 'es'\)"):
        set_language("fr")


def test_a_catalog_refuses_an_entry_missing_a_language():
    with pytest.raises(ValueError, match="'step' has no text in es"):
        Catalog({"step": {"en": "step"}})


def test_a_catalog_refuses_an_entry_whose_languages_fill_different_fields():
    with pytest.raises(ValueError, match="'step' fills different fields"):
        Catalog({"step": {"en": "step {n}", "es": "paso {m}"}})
