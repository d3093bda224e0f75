"""Why a training ended: one name per reason, whose value is the words the page shows ("stopped: early stop")."""

from __future__ import annotations

from enum import StrEnum


class StopReason(StrEnum):
    """Why training stopped; a str, so it compares equal to (and prints as) its words."""

    EARLY_STOP = "early stop"  # patience ran out without a better validation loss
    STEP_BUDGET = "step budget"  # the settings' max_steps
    SIZE_BUDGET = "step budget for this model's size"  # fewer steps than max_steps: attention.training.work
    EPOCHS_DONE = "epochs done"
    SAFETY_CLOCK = "safety clock"  # the wall clock: the only reason that depends on the machine
    STOPPED_BY_USER = "stopped by user"
