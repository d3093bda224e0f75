"""Every limit the app enforces, in one place, so the README and the messages agree."""

MAX_TEXT_CHARS = 100_000
"""Longer pastes are cut here (about 20,000 words); the app says so."""

MIN_TOKENS = 2
"""Predicting the next word needs at least one word and one word after it."""

MAX_EMBEDDING_DIM = 64
"""Largest embedding dimension offered for the blog's random embeddings."""

MAX_TOP_K = 30
"""Most bars in the probability chart; the browser gets only what it draws."""

TOKEN_STRIP_SPAN = 40
"""Tokens shown on each side of the chosen word in the token strip."""
