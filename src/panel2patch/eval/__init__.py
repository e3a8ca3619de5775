"""Evaluation: article-level splits of a run, retrieval at figure / panel / region level, and
zero-shot classification from a task registry, for any open_clip model side by side.

``panel2patch.eval.splits`` needs nothing beyond the core install (training imports it); the
other modules need the ``[train]`` extra (torch, open_clip).
"""
