"""Names vulture (.ci/run, `vulture` with pyproject.toml's [tool.vulture]) reports that are used after all.

Vulture matches names, not objects: listing `_.name` marks every attribute of that name as used. Each
entry says who uses it. A name here that nothing uses any more should leave this file with its code.
"""

_ = object()

# Read by name through getattr, or by a library.
_.writeable  # numpy's ndarray.flags.writeable = False freezes a result (core/mechanism.py, training/loop.py)
_.__signature__  # help(attention.train_model) lists every setting (training/entry.py)
_._hypothesis_internal_use_seed  # Hypothesis's seed for a reproducible run (bench/hostile.py --seed)
_.R  # DropoutMasks.R, read by DropoutMasks.layer("R", ...) through getattr (core/dropout.py)
_.kneser_ney_trigram  # Evaluation's baselines, read through getattr by Evaluation.baselines() (held_out.py)

# Fields of results a notebook reads (the library's API; tests check them), shown in no view.
_.mlp_normalized  # LayerSteps: LN2(H'), what the MLP block reads (core/steps.py)
_.mlp_hidden  # LayerSteps: GELU(LN2(H')·W_1 + b_1), the MLP's wide layer (core/steps.py)
_.input  # LayerSteps.input: H^(ℓ-1), the residual stream coming into a layer (core/steps.py)
_.explained_variance_ratio  # Projection: the share of variance along each PCA direction (teaching/analysis.py)
_.largest_changes  # DistributionChange: the words whose probability moved most (teaching/analysis.py)
_.is_model  # a report row is the model's rather than a baseline's (teaching/report.py)

# The blog's code kept verbatim and runnable (DESIGN.md: "The blog stays runnable"); tests/test_seed.py runs it.
_.create_word_representations
_.calculate_self_attention
_.predict_next_word_with_self_attention
_.current_word  # the blog's unused argument, kept on purpose (blog/post.py and the README say so)

# A checker the tests run over every UI string and formula (teaching/symbol_check.py; tests/test_notation*.py).
_.symbol_conflicts

# Dead (no caller outside tests) in files other helpers own on issue 16; listed for the lead to remove.
_.all_weights  # ForwardSteps.all_weights (core/steps.py)
_.deterministic  # TrainedModel.deterministic (training/result.py)
_.all_attention_weights  # TrainedModel.all_attention_weights (training/result.py)
_.was_evicted  # JobRegistry.was_evicted (lab/serving/queue.py)
_.total_chars  # TextStore.total_chars (lab/serving/text_store.py)

# Cache keys: parameters st.cache_resource hashes to tell entries apart, read by nothing else (lab/page.py, models.py).
_.tokenizer_key

# Streamlit session state written by attribute (the induction lesson's model: 2 layers, or 1 for the contrast).
_.ind_layers
# The module's __getattr__ keeps the SQLite store importable under its old name (lab/serving/text_store.py).
_.__getattr__

# The memory budget's own answers, for notebooks and the bench (bench/training_memory.py) beside the queue's use.
_.batch_for_budget
_.memory_in_use

# babel's NumberPattern field the number formats set (attention/i18n.py), and the pseudo-locale's hook for tests.
_.frac_prec
_.register
_.decimal
_.percent
# harness/catalogs.py and page_text.py: what tests/test_i18n.py checks the catalogs and the pages with.
_.pseudo
_.unmarked
_.page_texts
_.formulas_shown  # harness/page_text.py: the page's displayed formulas (tests/test_app.py, test_views.py)
_.until_trained  # harness/app.py: rerun an AppTest page until its training is done (tests/test_views.py, test_i18n.py)
