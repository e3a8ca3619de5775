"""Which levels a step draws from, as a pure function of the step number."""

from __future__ import annotations

from panel2patch.train.config import Level, ScheduleConfig


class LevelSchedule:
    """``alternating``: one level per step, cycling figure -> panel -> region with ``ratios`` steps
    each (Panel2Patch). ``mixed``: every step draws from every level in proportion to ``ratios``.
    Levels absent from the data are left out of the cycle."""

    def __init__(self, config: ScheduleConfig, available: frozenset[Level] | set[Level] | None = None,
                 accum_steps: int = 1) -> None:
        self.config, self.accum_steps = config, accum_steps
        levels = [lv for lv in config.levels if config.ratios[int(lv)] > 0
                  and (available is None or lv in available)]
        if not levels:
            raise ValueError("no level left to train on: the data has none of "
                             + ", ".join(lv.label for lv in config.levels))
        self.levels = tuple(levels)
        self.cycle = tuple(lv for lv in self.levels for _ in range(config.ratios[int(lv)]))
        total = sum(config.ratios[int(lv)] for lv in self.levels)
        self.mixed_counts = {lv: max(1, round(config.batch_size * config.ratios[int(lv)] / total))
                             for lv in self.levels}

    def step_counts(self, step: int) -> dict[Level, int]:
        """Primary items per level in (each micro-batch of) optimizer step ``step``."""
        if self.config.kind == "mixed":
            return dict(self.mixed_counts)
        return {self.cycle[step % len(self.cycle)]: self.config.batch_size}

    def micro_counts(self, micro: int) -> dict[Level, int]:
        return self.step_counts(micro // self.accum_steps)

    def step_label(self, step: int) -> str:
        return "mixed" if self.config.kind == "mixed" else self.cycle[step % len(self.cycle)].label
