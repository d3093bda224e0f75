"""Subword tokens (BPE with byte fallback): exact round trips, tokenizers' merges, honest labels."""

from __future__ import annotations

import dataclasses
import doctest
import json
import pickle
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention.teaching.examples import EXAMPLES, PROMPT_NAMES
from attention.tokens import subword
from attention.tokens.subword import BYTE_TOKENS, MAX_MERGES, PRE_TOKEN, Merge, count_words, train_bpe

ROOT = Path(__file__).resolve().parents[1]

OTHER_PROMPTS = {*PROMPT_NAMES["es"], *PROMPT_NAMES["zh"]}
ENGLISH = "\n\n".join(text for name, text in EXAMPLES.items() if name not in OTHER_PROMPTS)
"""The English examples (with the two rhymes: a few accents and Han characters), not the Spanish and Chinese prompts."""
MIXED = (
    ENGLISH
    + "\nCafé au lait, naïve façade; Ünïcode is über-cool. El niño comió jalapeños.\n"
    + "Привет, мир! Как дела? Всё хорошо, спасибо.\n"
    + "東京は晴れです。今日はいい天気ですね。我们去公园散步吧，好不好？\n"
    + "مرحبا بالعالم، كيف حالك؟ שלום עולם, מה שלומך?\n"
    + "नमस्ते दुनिया, आप कैसे हैं? 안녕하세요 세계!\n"
    + "I ❤️ 👨‍👩‍👧 and 🇫🇷 👍🏽 — emoji 😀😀😀 too.\n"
)
README = (ROOT / "README.md").read_text(encoding="utf-8")
CORPUS = MIXED + "".join(ch for ch in README if unicodedata.category(ch) != "Cn")
"""A few thousand words of varied text: stories, markdown, code, numbers and eight scripts.

Characters Unicode 14 had not assigned are left out: tokenizers' regex engine (Oniguruma) may not know them."""


@pytest.fixture(scope="module")
def english():
    return train_bpe(ENGLISH, 200)


@pytest.fixture(scope="module")
def mixed():
    return train_bpe(MIXED, 300)


any_char = st.characters(exclude_categories=())  # every category, lone surrogates and unassigned included
tricky = st.sampled_from(
    ["中", "文", "日本語", "한", "ע", "ب", "👍🏽", "👨‍👩‍👧", "🇫🇷", "e\u0301", "\u0301", "\u200d", "\n", "\r\n", "\t",
     " ", "  ", "\x00", "\x1c", "\u2028", "\u2029", "\ufeff", "\ud800", "\udfff", "<0xE4>", "'s", " the", "\ufffd"]
)  # fmt: skip
texts = st.lists(st.one_of(any_char, tricky), max_size=40).map("".join)


def merge_everywhere(pieces: list[str], merge: Merge) -> list[str]:
    """One merge applied to a cut word, left to right: the textbook loop."""
    i, out = 0, []
    while i < len(pieces):
        if pieces[i : i + 2] == [merge.left, merge.right]:
            out.append(merge.token)
            i += 2
        else:
            out.append(pieces[i])
            i += 1
    return out


# --- round trips ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(texts)
def test_decode_of_encode_is_exact_for_any_text(english, mixed, text):
    for tokenizer in (english, mixed):
        pieces = tokenizer.encode(text)
        assert tokenizer.decode(pieces.tokens) == text
        assert tokenizer.decode(pieces.ids) == text


def test_round_trip_of_the_example_texts(english, mixed):
    for tokenizer in (english, mixed):
        assert tokenizer.decode(tokenizer.encode(CORPUS).tokens) == CORPUS


def test_unseen_characters_fall_back_to_bytes(english):
    assert english.encode("中").tokens == ("<0xE4>", "<0xB8>", "<0xAD>")
    assert english.encode("中").ids == (0xE4, 0xB8, 0xAD)  # byte b is token id b
    assert english.encode("\ud800").tokens == ("<0xED>", "<0xA0>", "<0x80>")  # a lone surrogate, as Python stores it


def test_a_word_of_100_000_letters_round_trips(english):
    word = "harbour" * 15_000  # one pre-token: merges are applied with a heap, n log n
    pieces = english.encode(word)
    assert english.decode(pieces.tokens) == word and len(pieces) < len(word) / 2


def test_characters_seen_in_training_stay_whole(mixed):
    pieces = mixed.encode("東京 😀 é")
    assert not any(token in BYTE_TOKENS for token in pieces.tokens)
    assert "".join(pieces.tokens) == "東京 😀 é"


def test_decode_says_what_was_wrong(english):
    with pytest.raises(ValueError, match="not a token of this tokenizer"):
        english.decode(["no such token"])
    with pytest.raises(ValueError, match="ids go from 0 to"):
        english.decode([len(english.vocabulary)])
    assert english.decode(np.array(english.encode("the cat").ids)) == "the cat"  # numpy ids work
    assert english.decode(["<0xE4>", "<0xB8>"]) == "\ufffd"  # a sample cut mid-character


# --- the merges: tokenizers' BpeTrainer, and their counts ----------------------------------------


def hugging_face(text: str, merges: int):
    """tokenizers' BpeTrainer with our pre-tokenizer: the reference our merges must equal."""
    import tokenizers  # the reference BPE (requirements-dev.txt)

    tokenizer = tokenizers.Tokenizer(tokenizers.models.BPE())
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.Split(tokenizers.Regex(PRE_TOKEN.pattern), "isolated")
    alphabet = len({ch for word in count_words(text) for ch in word})
    trainer = tokenizers.trainers.BpeTrainer(vocab_size=alphabet + merges, show_progress=False)
    tokenizer.train_from_iterator([text], trainer)
    return tokenizer, [tuple(pair) for pair in json.loads(tokenizer.to_str())["model"]["merges"]]


def test_merges_equal_those_of_tokenizers_bpe_trainer():
    reference, theirs = hugging_face(CORPUS, 1000)
    ours = train_bpe(CORPUS, 1000)
    assert len(CORPUS.split()) > 3000
    assert [(m.left, m.right) for m in ours.merges] == theirs[:1000]
    assert list(ours.encode(CORPUS).tokens) == reference.encode(CORPUS).tokens  # same cuts, too


@settings(max_examples=60, deadline=None)
@given(st.text(st.sampled_from("ab c"), max_size=80), st.integers(1, 30))
def test_ties_break_as_in_tokenizers(text, merges):
    # Many pairs tie here: the highest count wins, then the smaller (left id, right id).
    ours = [(m.left, m.right) for m in train_bpe(text, merges).merges]
    assert ours == hugging_face(text, merges)[1]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs", "Cn"])))
def test_pre_tokens_equal_those_of_tokenizers_regex(text):
    # Characters unassigned in Unicode 14 are left out: `regex` knows newer Unicode than tokenizers' Oniguruma.
    import tokenizers  # the reference BPE (requirements-dev.txt)

    split = tokenizers.pre_tokenizers.Split(tokenizers.Regex(PRE_TOKEN.pattern), "isolated")
    assert PRE_TOKEN.findall(text) == [word for word, _ in split.pre_tokenize_str(text)]


def test_counts_are_the_pair_counts_at_the_moment_of_merging():
    words = count_words(CORPUS)
    cut = {word: list(word) for word in words}
    merges = train_bpe(CORPUS, 60).merges
    for k, merge in enumerate(merges):
        pair = [merge.left, merge.right]
        places = sum(n * sum(cut[w][i : i + 2] == pair for i in range(len(cut[w]))) for w, n in words.items())
        assert merge.count == places, k
        cut = {w: merge_everywhere(pieces, merge) for w, pieces in cut.items()}
    assert [m.count for m in merges] == sorted((m.count for m in merges), reverse=True)


def test_the_first_merges_of_a_tiny_text():
    tokenizer = train_bpe("aaa aaa ab", 3)
    # "aaa" holds "aa" twice (overlapping places count) and occurs twice: 4; then "aa"+"a" twice.
    assert tokenizer.merges[:2] == (Merge("a", "a", 4), Merge("aa", "a", 2))


def test_the_module_docstring_example_holds():
    assert doctest.testmod(subword).failed == 0


# --- what more merges do ---------------------------------------------------------------------------


def test_zero_merges_is_characters():
    characters = train_bpe(ENGLISH, 0)
    assert characters.merges == ()
    assert characters.alphabet == tuple(sorted(set(ENGLISH)))
    assert characters.encode(ENGLISH).tokens == tuple(ENGLISH)
    assert characters.vocabulary == BYTE_TOKENS + characters.alphabet


def test_more_merges_never_cost_more_tokens_of_the_training_text():
    lengths = [len(train_bpe(MIXED, merges).encode(MIXED)) for merges in (0, 1, 10, 50, 200, 1000)]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] == len(MIXED) and lengths[-1] < len(MIXED) / 3


@settings(max_examples=40, deadline=None)
@given(st.text(st.sampled_from("ab cd\n"), max_size=60), st.integers(0, 20))
def test_one_more_merge_never_costs_a_token(text, merges):
    assert len(train_bpe(text, merges + 1).encode(text)) <= len(train_bpe(text, merges).encode(text))


def test_vocabulary_is_bytes_then_alphabet_then_one_token_per_merge(english):
    assert english.vocabulary[:256] == BYTE_TOKENS
    assert english.vocabulary[256 : 256 + len(english.alphabet)] == english.alphabet
    assert english.vocabulary[256 + len(english.alphabet) :] == tuple(m.token for m in english.merges)


def test_cost_of_words(english):
    assert english.cost("the") == 1  # " the" is a token
    assert english.cost("harbour") == 1
    assert english.cost("harbours") == 2  # " harbour" + "s"
    assert english.cost("中") == 4  # " " + three bytes: never seen, so its UTF-8 bytes
    assert english.cost("the cat") == len(english.encode(" the cat"))


# --- what a UI shows ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(texts)
def test_labels_never_show_a_broken_character_and_spans_cover_the_text(english, text):
    pieces = english.encode(text)
    assert len(pieces.labels) == len(pieces.spans) == len(pieces.word_index) == len(pieces)
    previous = (0, 0)
    for token, (start, end), label in zip(pieces.tokens, pieces.spans, pieces.labels, strict=True):
        assert start == previous[1] or (start, end) == previous  # next in order, or the same character's next byte
        previous = (start, end)
        if token in BYTE_TOKENS:
            assert label.startswith(text[start:end] + " (byte ") and end - start == 1
        else:
            assert label in text[start:end] and text[start:end] == token
        assert "\ufffd" not in label or "\ufffd" in text
    assert previous[1] == len(text)
    assert list(pieces.word_index) == sorted(pieces.word_index)


def test_labels_and_words_of_a_sentence(english):
    pieces = english.encode("The harbours 中\n\n")
    assert pieces.tokens == ("The", " harbour", "s", " ", "<0xE4>", "<0xB8>", "<0xAD>", "\n\n")
    bytes_of_zhong = ("中 (byte 1 of 3)", "中 (byte 2 of 3)", "中 (byte 3 of 3)")
    assert pieces.labels == ("The", "harbour", "s", " ", *bytes_of_zhong, "\n\n")
    assert [pieces.continues_word(i) for i in range(len(pieces))] == [0, 0, 1, 0, 1, 1, 1, 0]
    assert pieces.spans[4:7] == ((13, 14),) * 3 and pieces.word_index == (0, 1, 1, 2, 2, 2, 2, 3)  # " 中" is one word


def test_pre_tokens_keep_the_leading_space_as_gpt2():
    words = PRE_TOKEN.findall("Hello  world's 42 cats!\n\nnaïve e\u0301t\u00e9 東京は")
    # As in GPT-2, a run of newlines leaves its last one alone when a word follows; accents stay in their word.
    assert words == [
        "Hello",
        " ",
        " world",
        "'s",
        " 42",
        " cats",
        "!",
        "\n",
        "\n",
        "naïve",
        " e\u0301t\u00e9",
        " 東京は",
    ]


# --- sharing and mistakes ----------------------------------------------------------------------------


def test_the_tokenizer_is_immutable_and_pickles(english):
    with pytest.raises(dataclasses.FrozenInstanceError):
        english.merges = ()
    copy = pickle.loads(pickle.dumps(english))
    assert copy == english and copy.encode("the cat").tokens == english.encode("the cat").tokens


@pytest.mark.parametrize("merges", [-1, MAX_MERGES + 1, 10**9, 2.5, True, "10"])
def test_merges_out_of_range_say_what_to_use(merges):
    with pytest.raises(ValueError, match="merges must be a whole number from 0"):
        train_bpe(ENGLISH, merges)


def test_an_empty_training_text_gives_bytes_only():
    tokenizer = train_bpe("", 100)
    assert tokenizer.alphabet == () and tokenizer.merges == () and tokenizer.vocabulary == BYTE_TOKENS
    assert tokenizer.encode("hé").tokens == ("<0x68>", "<0xC3>", "<0xA9>")
    assert tokenizer.decode(tokenizer.encode("hé").tokens) == "hé"


def test_fewer_merges_when_no_pair_is_left():
    assert [m.token for m in train_bpe("abc", 10).merges] == ["ab", "abc"]


def test_wrong_types_and_hand_made_merges_are_explained(english):
    with pytest.raises(TypeError, match="needs a str"):
        train_bpe(b"bytes", 10)
    with pytest.raises(TypeError, match="needs a str"):
        english.encode(None)
    with pytest.raises(ValueError, match="non-empty word"):
        english.cost("")
    with pytest.raises(ValueError, match="earlier merges"):
        subword.SubwordTokenizer(("a", "b"), (Merge("ab", "b", 1),))
    with pytest.raises(ValueError, match="code-point order"):
        subword.SubwordTokenizer(("b", "a"), ())
