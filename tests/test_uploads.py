"""An uploaded training text: read when it can be, and a plain sentence when it cannot."""

from __future__ import annotations

import pytest

from lab.serving import limits
from lab.serving.uploads import read_upload


def test_a_utf8_text_is_read_with_or_without_a_byte_order_mark():
    text = "Nell fed the hens. " * 10 + "¡Olé! 中文"
    assert read_upload(text.encode()).text == text
    assert read_upload(b"\xef\xbb\xbf" + text.encode()).text == text


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"a " * (limits.MAX_UPLOAD_BYTES // 2 + 1), "up to 1 MB"),
        ("é a b c d e f g h i j k l m n o p q r s t u".encode("latin-1"), "not UTF-8"),
        (b"a b c d e f g h i j k l m n o p q r s t u \0 v", "binary"),
        (b"too short to train on", f"at least {limits.MIN_TRAIN_TOKENS}"),
    ],
)
def test_a_file_it_cannot_use_gets_a_sentence_saying_what_to_do(data, says):
    upload = read_upload(data, "'notes.txt'")
    assert upload.text is None and says in upload.problem and "'notes.txt'" in upload.problem


def test_the_server_accepts_uploads_a_little_over_the_limit_so_the_page_can_say_so():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1_000_000 > limits.MAX_UPLOAD_BYTES
