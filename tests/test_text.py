"""tokenize() and Vocabulary: words in any script, punctuation apart, never a crash."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attention import Vocabulary, as_code_span, is_word, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cat sat on the mat.", ["the", "cat", "sat", "on", "the", "mat", "."]),
        ("Don't stop: well-known!", ["don't", "stop", ":", "well-known", "!"]),
        ("rock’n’roll", ["rock’n’roll"]),
        ("'quoted' -dash- end-", ["'", "quoted", "'", "-", "dash", "-", "end", "-"]),
        ("Café naïve Ünïcode", ["café", "naïve", "ünïcode"]),
        ("Привет, мир!", ["привет", ",", "мир", "!"]),
        ("東京は晴れ", ["東", "京", "は", "晴", "れ"]),
        ("नमस्ते दुनिया", ["नमस्ते", "दुनिया"]),
        ("I ❤️ 👨‍👩‍👧 and 🇫🇷 👍🏽", ["i", "❤️", "👨‍👩‍👧", "and", "🇫🇷", "👍🏽"]),
        ("<b>hi</b>", ["<", "b", ">", "hi", "<", "/", "b", ">"]),
        ("**bold** [x](y)", ["*", "*", "bold", "*", "*", "[", "x", "]", "(", "y", ")"]),
        ("", []),
        ("   \n\t ", []),
        ("e\u0301", ["é"]),  # decomposed accent joins its letter (NFC)
    ],
)
def test_tokenize_examples(text, expected):
    assert tokenize(text) == expected


def test_tokenize_can_keep_case():
    assert tokenize("The Cat", lowercase=False) == ["The", "Cat"]


def test_tokenize_rejects_non_strings_clearly():
    with pytest.raises(TypeError, match="needs a str"):
        tokenize(b"bytes")


@given(st.text())
def test_tokenize_never_raises_and_drops_only_whitespace(text):
    tokens = tokenize(text, lowercase=False)
    assert all(tokens) and all(not t.isspace() for t in tokens)
    assert all(not any(ch.isspace() for ch in t) for t in tokens)
    # Every visible character survives, in order (up to Unicode normalisation).
    import unicodedata

    visible = "".join(unicodedata.normalize("NFC", text).split())
    assert "".join(tokens) == visible


@given(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1))
def test_a_run_of_letters_is_words_only(text):
    assert all(is_word(t) for t in tokenize(text))


def test_is_word():
    assert is_word("cat") and is_word("42") and is_word("👍") and is_word("東")
    assert not is_word(".") and not is_word("«")


def test_vocabulary_keeps_first_appearance_order():
    vocab = Vocabulary.from_tokens(["the", "cat", "the", "mat", "cat"])
    assert vocab.words == ("the", "cat", "mat")
    assert vocab.ids(["mat", "the"]) == [2, 0]
    assert len(vocab) == 3 and "cat" in vocab and "dog" not in vocab


def test_vocabulary_unknown_word_error_says_which():
    with pytest.raises(KeyError, match="'dog' is not in the vocabulary of 1 words"):
        Vocabulary.from_tokens(["cat"]).id_of("dog")


def test_vocabulary_rejects_duplicates():
    with pytest.raises(ValueError, match="unique"):
        Vocabulary(("a", "a"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("cat", "` cat `"), ("a`b", "`` a`b ``"), ("", "`   `"), ("<b>x</b>", "` <b>x</b> `"), ("a\nb", "` a b `")],
)
def test_as_code_span_shows_text_literally(text, expected):
    assert as_code_span(text) == expected


def test_words_by_frequency_counts_and_keeps_first_appearance_for_ties():
    from attention.tokens.words import words_by_frequency

    assert words_by_frequency(["b", "a", "b", "c", "a", "b"]) == ["b", "a", "c"]
    assert words_by_frequency(["x", "y", "z"]) == ["x", "y", "z"]
    assert words_by_frequency([]) == []


def test_keycap_and_flag_emoji_stay_one_token():
    assert tokenize("1️⃣ 🇫🇷") == ["1️⃣", "🇫🇷"]
