"""A training text uploaded as a file: decoded, checked, and said plainly when it cannot be used."""

from __future__ import annotations

from dataclasses import dataclass

from attention import tokenize
from attention.i18n import _, count, decimal, ngettext

from . import limits


@dataclass(frozen=True)
class Upload:
    """The uploaded text, or None and the sentence that says what to do instead."""

    text: str | None
    problem: str | None = None


def read_upload(data: bytes, name: str | None = None) -> Upload:
    """The text of an uploaded .txt file (UTF-8, a byte-order mark allowed), at most MAX_UPLOAD_BYTES.

    `name` is how the sentences call the file (default "the file"); they are in the active language (the page's:
    the uploader is read while the page is drawn)."""
    name = _("the file") if name is None else name
    if len(data) > limits.MAX_UPLOAD_BYTES:
        limit = limits.MAX_UPLOAD_BYTES / 1e6
        return Upload(
            None,
            _("{name} has {size} MB; the lab trains on files up to {limit} MB. Upload a shorter part of it.").format(
                name=name, size=decimal(len(data) / 1e6, 1), limit=decimal(limit, 0 if limit.is_integer() else 1)
            ),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Upload(
            None, _("{name} is not UTF-8 text. Save it as plain text in UTF-8 and upload it again.").format(name=name)
        )
    if "\0" in text:
        return Upload(None, _("{name} looks like a binary file, not text. Upload a plain .txt file.").format(name=name))
    n_tokens = len(tokenize(text))
    if n_tokens < limits.MIN_TRAIN_TOKENS:
        return Upload(
            None,
            ngettext(
                "{name} has {n} word or mark; training needs at least {needed}. Upload a longer text.",
                "{name} has {n} words and marks; training needs at least {needed}. Upload a longer text.",
                n_tokens,
            ).format(name=name, n=count(n_tokens), needed=count(limits.MIN_TRAIN_TOKENS)),
        )
    return Upload(text)
