"""The core: one attention implementation, the model's layers, forward and backward, sampling."""
