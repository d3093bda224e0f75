"""A training text uploaded as a file: decoded, checked, and said plainly when it cannot be used."""

from __future__ import annotations

from dataclasses import dataclass

from attention import tokenize

from . import limits


@dataclass(frozen=True)
class Upload:
    """The uploaded text, or None and the sentence that says what to do instead."""

    text: str | None
    problem: str | None = None


def read_upload(data: bytes, name: str = "the file") -> Upload:
    """The text of an uploaded .txt file (UTF-8, a byte-order mark allowed), at most MAX_UPLOAD_BYTES."""
    if len(data) > limits.MAX_UPLOAD_BYTES:
        return Upload(
            None,
            f"{name} has {len(data) / 1e6:.1f} MB; the lab trains on files up to "
            f"{limits.MAX_UPLOAD_BYTES / 1e6:g} MB. Upload a shorter part of it.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Upload(None, f"{name} is not UTF-8 text. Save it as plain text in UTF-8 and upload it again.")
    if "\0" in text:
        return Upload(None, f"{name} looks like a binary file, not text. Upload a plain .txt file.")
    n_tokens = len(tokenize(text))
    if n_tokens < limits.MIN_TRAIN_TOKENS:
        return Upload(
            None,
            f"{name} has {n_tokens} words and marks; training needs at least {limits.MIN_TRAIN_TOKENS}. "
            "Upload a longer text.",
        )
    return Upload(text)
