"""Gradient clipping and AdamW on one flat parameter buffer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def clip_gradient(grad: np.ndarray, max_norm: float) -> float:  # [size], in place -> norm before clipping
    """g <- g · min(1, max_norm / ||g||): one global norm over every parameter."""
    norm = float(np.sqrt(np.dot(grad, grad)))
    if norm > max_norm:
        grad *= np.asarray(max_norm / norm, dtype=grad.dtype)
    return norm


@dataclass
class AdamW:
    """Adam (Kingma & Ba, 2015) with decoupled weight decay (Loshchilov & Hutter, 2019) on a flat buffer.

    m, v are running means of g and g²; with m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t):

        θ <- θ - lr · (m̂ / (sqrt(v̂) + ε) + λ · mask ⊙ θ)

    The decay pulls weights towards 0 at a rate that does not depend on the gradient's scale (which
    is what an L2 term in the loss would do under Adam); `mask` [size] says which entries decay.
    With λ = 0 this is plain Adam.
    """

    m: np.ndarray
    v: np.ndarray
    weight_decay: float = 0.0  # λ
    decay_mask: np.ndarray | None = None  # [size] 1 where decay applies; None: everywhere
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0

    @classmethod
    def like(cls, theta: np.ndarray, weight_decay: float = 0.0, decay_mask: np.ndarray | None = None) -> AdamW:
        return cls(m=np.zeros_like(theta), v=np.zeros_like(theta), weight_decay=weight_decay, decay_mask=decay_mask)

    def step(self, theta: np.ndarray, grad: np.ndarray, learning_rate: float) -> None:
        """Update θ in place (the decay uses θ before this step's Adam move)."""
        if self.weight_decay:
            shrink = theta * np.asarray(learning_rate * self.weight_decay, dtype=theta.dtype)
            if self.decay_mask is not None:
                shrink *= self.decay_mask
            theta -= shrink
        self.t += 1
        self.m *= self.beta1
        self.m += (1 - self.beta1) * grad
        self.v *= self.beta2
        scratch = np.square(grad)
        scratch *= 1 - self.beta2
        self.v += scratch
        step_size = learning_rate * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        np.sqrt(self.v, out=scratch)
        scratch += self.eps * np.sqrt(1 - self.beta2**self.t)
        np.divide(self.m, scratch, out=scratch)
        scratch *= -step_size
        theta += scratch
