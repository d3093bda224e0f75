"""Scores on held-out text: the model, the counting baselines (Kneser-Ney), head scores."""
