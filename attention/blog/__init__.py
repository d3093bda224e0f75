"""The blog post's method, runnable, with its bugs named."""
