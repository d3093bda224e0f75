"""Why a training ended: one name per reason, whose value is the words the page shows ("stopped: early stop")."""

from __future__ import annotations

from enum import StrEnum

from ..i18n import N_, _


class StopReason(StrEnum):
    """Why training stopped; a str, so it compares equal to its English words (an msgid), and prints as them in
    the active language: a model trained in one thread is shown to each session in its own language."""

    EARLY_STOP = N_("early stop")  # patience ran out without a better validation loss
    STEP_BUDGET = N_("step budget")  # the settings' max_steps
    SIZE_BUDGET = N_("step budget for this model's size")  # fewer steps than max_steps: attention.training.work
    EPOCHS_DONE = N_("epochs done")
    SAFETY_CLOCK = N_("safety clock")  # the wall clock: the only reason that depends on the machine
    STOPPED_BY_USER = N_("stopped by user")

    def __str__(self) -> str:
        return _(self.value)

    def __format__(self, spec: str) -> str:
        return format(_(self.value), spec)
