"""An entry's language tag decides its direction and its link preview's locale."""

from __future__ import annotations

import pytest

from glimmer_publish.languages import direction, og_locale


@pytest.mark.parametrize("tag", ["ar", "he", "fa", "ur", "dv", "syr", "nqo", "yi", "ps",
                                 "ckb", "ar-MA", "ku-Arab", "az-Arab", "pa-Arab", "ug"])
def test_right_to_left_languages_and_scripts(tag):
    assert direction(tag) == "rtl"


@pytest.mark.parametrize("tag", ["en", "de", "ja", "zh-Hant-TW", "sr-Latn", "az", "ku",
                                 "pa", "el", "hi", "th", "ko"])
def test_left_to_right_languages(tag):
    assert direction(tag) == "ltr"


def test_without_a_tag_the_text_decides():
    assert direction(None) == "auto"


@pytest.mark.parametrize(("tag", "locale"), [
    ("en", "en_US"), ("en-GB", "en_GB"), ("de", "de_DE"), ("ar", "ar_EG"), ("he", "he_IL"),
    ("pt-BR", "pt_BR"), ("pt", "pt_BR"), ("zh-Hant", "zh_TW"), ("zh-Hans", "zh_CN"),
    ("ja", "ja_JP"), ("sr-Latn", "sr_RS"), ("not-a-language", "en_US"),
])
def test_open_graph_locale_is_language_and_likely_region(tag, locale):
    assert og_locale(tag) == locale
