"""The granularity-aware loss equals a naive, loop-by-loop reference on random inputs."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch", reason="training tests need the [train] extra")
pytest.importorskip("open_clip", reason="training tests need the [train] extra")

import torch.nn.functional as F  # noqa: E402

from panel2patch.train.config import Level, LossConfig  # noqa: E402
from panel2patch.train.encoder import box_weights  # noqa: E402
from panel2patch.train.losses import Features, GranularityLoss, Structure  # noqa: E402


def naive_clip(a: list, b: list, scale: float) -> float:
    """Symmetric InfoNCE written out row by row."""
    n = len(a)
    total = 0.0
    for i in range(n):
        logits = [scale * float(a[i] @ b[j]) for j in range(n)]
        total += -(logits[i] - math.log(sum(math.exp(v) for v in logits)))
        logits = [scale * float(b[i] @ a[j]) for j in range(n)]
        total += -(logits[i] - math.log(sum(math.exp(v) for v in logits)))
    return total / (2 * n)


def naive_terms(image, text, roi, roi_valid, level, primary, parent, scale, min_children):
    terms = {}
    for lv in Level:
        rows = [i for i in range(len(level)) if level[i] == lv and primary[i]]
        if rows:
            terms[lv.label] = naive_clip([image[i] for i in rows], [text[i] for i in rows], scale)
    for name, p_level, c_level in (("figure_panel", Level.FIGURE, Level.PANEL), ("panel_region", Level.PANEL, Level.REGION)):
        parents, pooled_i, pooled_t = [], [], []
        for p in range(len(level)):
            kids = [c for c in range(len(level)) if parent[c] == p and level[c] == c_level]
            if level[p] == p_level and len(kids) >= min_children[c_level]:
                parents.append(p)
                mi = sum(image[c] for c in kids) / len(kids)
                mt = sum(text[c] for c in kids) / len(kids)
                pooled_i.append(mi / mi.norm())
                pooled_t.append(mt / mt.norm())
        if parents:
            terms[f"{name}_image"] = naive_clip([image[p] for p in parents], pooled_i, scale)
            terms[f"{name}_text"] = naive_clip([text[p] for p in parents], pooled_t, scale)
    rows = [i for i in range(len(level)) if level[i] == Level.REGION and roi_valid[i]]
    if rows:
        terms["patch"] = sum(1 - float(image[i] @ roi[i]) for i in rows) / len(rows)
    return terms


def random_batch(seed: int, dim: int = 16):
    """Figures with 0-3 panels, panels with 0-2 regions; some items context only."""
    g = torch.Generator().manual_seed(seed)
    level, primary, parent = [], [], []
    for _ in range(5):
        f = len(level)
        level.append(Level.FIGURE); primary.append(bool(torch.rand(1, generator=g) < 0.8)); parent.append(-1)
        for _ in range(int(torch.randint(0, 4, (1,), generator=g))):
            p = len(level)
            level.append(Level.PANEL); primary.append(bool(torch.rand(1, generator=g) < 0.6)); parent.append(f)
            for _ in range(int(torch.randint(0, 3, (1,), generator=g))):
                level.append(Level.REGION); primary.append(bool(torch.rand(1, generator=g) < 0.7)); parent.append(p)
    n = len(level)
    image = F.normalize(torch.randn(n, dim, generator=g, dtype=torch.float64), dim=-1)
    text = F.normalize(torch.randn(n, dim, generator=g, dtype=torch.float64), dim=-1)
    roi = F.normalize(torch.randn(n, dim, generator=g, dtype=torch.float64), dim=-1)
    roi_valid = torch.tensor([lv == Level.REGION and parent[i] >= 0 and bool(torch.rand(1, generator=g) < 0.8)
                              for i, lv in enumerate(level)])
    return image, text, roi, roi_valid, level, primary, parent


def inputs(image, text, scale, roi, roi_valid, level, primary, parent):
    """The loss's inputs: structure on the CPU, pooled tokens only for the usable region rows."""
    rows = roi_valid.nonzero(as_tuple=True)[0]
    scale = scale if isinstance(scale, torch.Tensor) else torch.tensor(scale, dtype=torch.float64)
    structure = Structure(torch.tensor([int(v) for v in level]), torch.tensor(primary), torch.tensor(parent), rows)
    return Features(image, text, scale, roi[rows]), structure


@pytest.mark.parametrize("seed", range(6))
def test_all_terms_match_naive_reference(seed: int) -> None:
    image, text, roi, roi_valid, level, primary, parent = random_batch(seed)
    weights = LossConfig(figure=1.0, panel=0.7, region=1.3, figure_panel=0.5, panel_region=0.25, patch=0.8)
    scale = 10.0
    loss = GranularityLoss(weights, min_panels=2, min_regions=1)
    out = loss(*inputs(image, text, scale, roi, roi_valid, level, primary, parent))
    expected = naive_terms(image, text, roi, roi_valid, level, primary, parent, scale,
                           {Level.PANEL: 2, Level.REGION: 1})
    values = out.values()
    assert set(values) == set(expected)
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name
    w = {"figure": 1.0, "panel": 0.7, "region": 1.3, "patch": 0.8}
    total = sum(v * w.get(k, 0.5 if k.startswith("figure_panel") else 0.25) for k, v in expected.items())
    assert float(out.total) == pytest.approx(total, rel=1e-9)


def test_zero_weight_turns_a_term_off() -> None:
    image, text, roi, roi_valid, level, primary, parent = random_batch(1)
    out = GranularityLoss(LossConfig(figure_panel=0.0, patch=0.0))(
        *inputs(image, text, 5.0, roi, roi_valid, level, primary, parent))
    assert not any(k.startswith("figure_panel") for k in out.terms) and "patch" not in out.terms


def test_loss_is_differentiable_in_every_input() -> None:
    image, text, roi, roi_valid, level, primary, parent = random_batch(2)
    image, text, roi = (t.clone().requires_grad_(True) for t in (image, text, roi))
    scale = torch.tensor(7.0, dtype=torch.float64, requires_grad=True)
    GranularityLoss(LossConfig())(*inputs(image, text, scale, roi, roi_valid, level, primary, parent)).total.backward()
    assert all(t.grad is not None and torch.isfinite(t.grad).all() for t in (image, text, roi, scale))


def test_box_weights_are_cell_overlaps() -> None:
    boxes = torch.tensor([[0.0, 0.0, 0.5, 0.5], [0.25, 0.25, 0.75, 0.5], [0.1, 0.6, 0.9, 1.0]])
    grid = (4, 4)
    weights = box_weights(boxes, grid)
    for r, (x0, y0, x1, y1) in enumerate(boxes.tolist()):
        naive = torch.zeros(16)
        for i in range(4):
            for j in range(4):
                ox = max(0.0, min(x1, (j + 1) / 4) - max(x0, j / 4))
                oy = max(0.0, min(y1, (i + 1) / 4) - max(y0, i / 4))
                naive[i * 4 + j] = ox * oy
        assert torch.allclose(weights[r], naive / naive.sum(), atol=1e-6)
