"""The library's limits: the largest model, context and chart it accepts, so errors and the README agree.

The server's own limits (text box, links, queue, store) are in `lab/serving/limits.py`.
"""

MIN_TOKENS = 2
"""Predicting the next word needs at least one word and one word after it."""

MIN_TRAIN_TOKENS = 20
"""Training the attention model needs at least this many tokens (a couple of sentences)."""

TRAIN_TIME_BUDGET_S = 60.0
"""A safety clock, not the budget: training stops after this many seconds (keeping the best weights so
far) and the model records that it did, since where it stops then depends on the machine's speed."""

TRAINING_MEMORY_BUDGET_MB = 300
"""The most memory one training may take (estimated from its settings before it starts,
attention.training.memory): a larger batch is halved until it fits. Servers set theirs (LAB_TRAINING_BUDGET_MB)."""

TRAINING_WORK_BUDGET = 320 * 10**9
"""Most multiply-adds one training may do, its evaluations included (attention.training.work): larger settings
get fewer steps than max_steps, by a rule that depends on the settings alone, so a link still reproduces.
About 20 s of one core here (400e9 took 23-25 s CPU), so a core shared two or three ways stays under the 60 s
safety clock; the defaults use at most 220e9 (40,000 tokens, the largest vocabulary)."""

MAX_TRAIN_STEPS = 20_000
"""Most optimizer steps a training may be given (the default budget is 3,000): budgets count steps."""

MAX_CONTEXT_WINDOW = 32
"""Largest context window (words the model looks at) for the trained model."""

MAX_MODEL_DIM = 128
"""Largest model dimension d for the trained model."""

MAX_HEADS = 4
"""Most attention heads; the model dimension must be divisible by the number of heads."""

MAX_LAYERS = 3
"""Most attention layers of the trained model (two are enough for an induction head)."""

MAX_MERGES = 4000
"""Most BPE merges a subword model may learn (its vocabulary: 256 bytes, the characters, one token per merge)."""

MAX_MODEL_VOCABULARY = 2000
"""The trained model keeps this many of the most frequent training words; the rest become "<unk>"."""

MAX_EPOCHS = 1000
"""Most passes over the training text (early stopping or the time budget usually ends sooner)."""

MAX_BATCH_SIZE = 1024
"""Most windows per training step."""

MAX_HEATMAP_TOKENS = 32
"""Most context words in an attention heatmap (32 × 32 = 1,024 cells per head); longer contexts are refused."""

MAX_EMBEDDING_MAP_WORDS = 150
"""Most labelled words in the embedding map (the context words plus the first ones in vocabulary order)."""

MAX_GENERATED_WORDS = 50
"""Most words generated in one go, one sampling step each."""

MAX_LOSS_CURVE_POINTS = 1000
"""Longer training histories are thinned evenly (first and last points kept) before charting."""

MAX_CACHED_CONTEXTS = 4
"""Contexts whose forward steps a trained model remembers (least recently used out): a page's views read one
context, What if two. One context's steps are 24 kB at the default settings and 1.8 MB at the largest (window
32, d = 128, 4 heads, 3 layers, MLP, float64), so a model's cache stays under 7.2 MB."""
