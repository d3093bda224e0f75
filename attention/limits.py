"""Every limit the app enforces, in one place, so the README and the messages agree."""

MAX_TEXT_CHARS = 100_000
"""Longer pastes are cut here (about 20,000 words); the app says so."""

MIN_TOKENS = 2
"""Predicting the next word needs at least one word and one word after it."""

MAX_EMBEDDING_DIM = 64
"""Largest embedding dimension offered for the blog's random embeddings."""

MAX_TOP_K = 30
"""Most bars in the probability chart; the browser gets only what it draws."""

TOKEN_STRIP_SPAN = 24
"""Tokens shown on each side of the chosen word in the token strip."""

TOKEN_STRIP_ROW_CHARS = 34
"""Characters per row of the token strip (10 px each), so it fits a 390 px phone screen."""

MIN_TRAIN_TOKENS = 20
"""Training the attention model needs at least this many tokens (a couple of sentences)."""

TRAIN_TIME_BUDGET_S = 60.0
"""A safety clock, not the budget: training stops after this many seconds (keeping the best weights so
far) and the model records that it did, since where it stops then depends on the machine's speed."""

MAX_TRAIN_STEPS = 20_000
"""Most optimizer steps a training may be given (the default budget is 3,000): budgets count steps."""

MAX_CONTEXT_WINDOW = 32
"""Largest context window (words the model looks at) for the trained model."""

MAX_MODEL_DIM = 128
"""Largest model dimension d for the trained model."""

MAX_HEADS = 4
"""Most attention heads; the model dimension must be divisible by the number of heads."""

MAX_MODEL_VOCABULARY = 2000
"""The trained model keeps this many of the most frequent training words; the rest become "<unk>"."""

MAX_EPOCHS = 1000
"""Most passes over the training text (early stopping or the time budget usually ends sooner)."""

MAX_BATCH_SIZE = 1024
"""Most windows per training step."""

MAX_LINK_TEXT_CHARS = 2_000
"""Longer texts are left out of shareable links (browsers and servers cut long URLs)."""

MAX_HEATMAP_TOKENS = 32
"""Most context words in an attention heatmap (32 × 32 = 1,024 cells per head); longer contexts are refused."""

MAX_EMBEDDING_MAP_WORDS = 150
"""Most labelled words in the embedding map (the context words plus the first ones in vocabulary order)."""

MAX_GENERATED_WORDS = 50
"""Most words generated in one go, one sampling step each."""

MAX_LOSS_CURVE_POINTS = 1000
"""Longer training histories are thinned evenly (first and last points kept) before charting."""

MAX_CACHED_MODELS = 8
"""Trained models a server keeps (one per text and settings); older finished ones are forgotten."""
