"""RapidOCR's bundled text-line recogniser, run directly (OpenVINO or onnxruntime), ASCII only.

Panel labels are ASCII, but the bundled PP-OCR recogniser scores ~18,700 characters (its
dictionary is mostly CJK) at every time step. Here its last projection is cut down to the
95 printable ASCII characters (when the ``onnx`` package is there to edit the graph; else
the full model runs and decoding looks at the ASCII columns only), and CTC decoding keeps,
for every character, the time step it came from, so each character can go back to the
crop it was read in. Skipping RapidOCR's general wrapper and the 18,700-way projection
makes a label line about a fifth cheaper; reading the best ASCII character where the full
model preferred a CJK one also avoids losing characters.

The graph runs on OpenVINO (the ``[ocr]`` extra brings it; RapidOCR supports the same
engine) where the CPU has bf16 arithmetic (AVX512-BF16 or AMX), and on onnxruntime
otherwise: OpenVINO then computes in bf16, ~1.8x faster on the 2-core EPYC (Zen 4) hosts
used here, with probabilities within ~0.004 of fp32; in fp32 it is no faster. OpenVINO
prepares each new input width once (~12 ms) and keeps it; lines are not padded to fewer
widths, because the recogniser reads a crop differently with more white beside it (padding
to a multiple of 8 columns changed the labels of 2 of the 80 dev figures).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from panel2patch.extras import require

logger = logging.getLogger(__name__)

BLANK = 0  # CTC blank: the first class of PP-OCR recognisers
RUNTIMES = ("auto", "openvino", "onnxruntime")


@dataclass(frozen=True)
class LineRead:
    """Characters read on one line, the x position (input pixels) of each, and a score."""

    chars: list[str]
    xs: list[float]
    probs: list[float]

    @property
    def score(self) -> float:
        return float(np.mean(self.probs)) if self.probs else 0.0


def find_rec_model() -> Path | None:
    """The recogniser ONNX file inside the installed rapidocr package (largest ``*rec*``)."""
    rapidocr = require("rapidocr", extra="ocr", purpose="panel label OCR")
    models = Path(rapidocr.__file__).resolve().parent / "models"
    found = sorted(models.glob("*rec*.onnx"), key=lambda p: p.stat().st_size, reverse=True)
    return found[0] if found else None


class AsciiLineRecogniser:
    """Reads one RGB text line, 48 rows high (``label_reader.LINE_HEIGHT``), dark text on
    light, per call."""

    def __init__(self, model_path: Path, threads: int = 1, runtime: str = "auto") -> None:
        check_runtime(runtime)
        data = model_path.read_bytes()
        graph = _onnx_model(data)  # None without the onnx package: the full model runs
        # without the graph, the metadata come from an onnxruntime session of the full model,
        # which then also runs it when onnxruntime is the runtime
        full = None if graph is not None else _ort_session(data, threads)
        meta = (
            {prop.key: prop.value for prop in graph.metadata_props}
            if graph is not None
            else full.get_modelmeta().custom_metadata_map
        )
        characters = _characters(meta)
        keep = [BLANK] + [i for i, ch in enumerate(characters) if _printable_ascii(ch)]
        self.alphabet = [characters[i] for i in keep]
        pruned = _prune_projection(graph, keep) if graph is not None else None
        self._columns = None if pruned is not None else np.asarray(keep)
        self.runtime = pick_runtime(runtime)
        model = pruned if pruned is not None else data
        self._infer = self._load(model, threads, fallback=runtime == "auto", session=full)

    def _load(self, model: bytes, threads: int, fallback: bool, session=None):
        """The inference function on ``self.runtime``; with ``fallback`` (runtime "auto"),
        an OpenVINO that fails to compile the graph leaves onnxruntime in charge.
        ``session``: an onnxruntime session of ``model`` already made, or None."""
        if self.runtime != "openvino":
            return _ort_infer(session or _ort_session(model, threads))
        try:
            return _openvino_infer(model, threads)
        except Exception as exc:  # noqa: BLE001 - any compile failure of the optional engine
            if not fallback:
                raise
            logger.warning("OpenVINO could not load the label recogniser (%s): using onnxruntime", exc)
            self.runtime = "onnxruntime"
            return _ort_infer(session or _ort_session(model, threads))

    def read(self, line: np.ndarray) -> LineRead:
        """``line``: uint8 RGB, ``height`` rows, any width."""
        x = line.astype(np.float32).transpose(2, 0, 1) / 127.5 - 1.0  # to [-1, 1]
        probs = self._infer(np.ascontiguousarray(x[None]))[0]
        if self._columns is not None:
            probs = probs[:, self._columns]
        return _ctc_decode(probs, self.alphabet, line.shape[1])


def check_runtime(runtime: str) -> None:
    """A ValueError naming the choices for an unknown ``runtime`` (a configuration error,
    which no fallback should hide)."""
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown recogniser runtime {runtime!r}; choose from {list(RUNTIMES)}")


def pick_runtime(runtime: str) -> str:
    """"auto": OpenVINO where it imports and the CPU computes in bf16 (its speed-up is the
    bf16 arithmetic: in fp32 it is no faster than onnxruntime), else onnxruntime."""
    if runtime != "auto":
        return runtime
    try:
        import openvino  # noqa: F401
    except ImportError:
        return "onnxruntime"
    try:
        capabilities = _openvino_core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except Exception:  # noqa: BLE001 - no usable CPU plugin: stay on onnxruntime
        return "onnxruntime"
    return "openvino" if "BF16" in capabilities else "onnxruntime"


def _ort_session(model: bytes, threads: int):
    ort = require("onnxruntime", extra="ocr", purpose="panel label OCR")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _ort_infer(session):
    """A function from the recogniser's input batch to its output probabilities."""
    name = session.get_inputs()[0].name
    return lambda x: session.run(None, {name: x})[0]


def _openvino_infer(model: bytes, threads: int):
    """As ``_ort_infer``, compiled by OpenVINO for this CPU (one stream, ``threads`` threads)."""
    core = _openvino_core()
    compiled = core.compile_model(
        core.read_model(model), "CPU", {"INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY"}
    )
    return _OpenVinoRunner(core, compiled)


@functools.lru_cache(maxsize=1)
def _openvino_core():
    """One OpenVINO runtime per process, alive for the whole process: its CPU plugin must
    outlive every model compiled with it (a Core dropped before its models corrupted memory)."""
    ov = require("openvino", extra="ocr", purpose="fast panel label OCR")
    return ov.Core()


class _OpenVinoRunner:
    """Keeps the runtime, the compiled model and its request alive together."""

    def __init__(self, core, compiled) -> None:
        self._core, self._compiled = core, compiled
        self._request = compiled.create_infer_request()

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self._request.infer({0: x})[0].copy()


def _ctc_decode(probs: np.ndarray, alphabet: list[str], width: int) -> LineRead:
    """Greedy CTC: best class per step, repeats collapsed, blanks dropped."""
    best = probs.argmax(axis=1)
    steps = probs.shape[0]
    chars, xs, probs_kept = [], [], []
    previous = BLANK
    for t, k in enumerate(best):
        if k != BLANK and k != previous:
            chars.append(alphabet[k])
            xs.append((t + 0.5) * width / steps)
            probs_kept.append(float(probs[t, k]))
        previous = k
    return LineRead(chars, xs, probs_kept)


def _characters(meta: dict[str, str]) -> list[str]:
    """Class list: blank, the dictionary stored in the model's metadata, then space."""
    if "character" not in meta:
        raise ValueError("the recogniser model carries no character list")
    return ["<blank>", *meta["character"].splitlines(), " "]


def _onnx_model(data: bytes):
    """The parsed ONNX graph, or None when the ``onnx`` package is not installed."""
    try:
        import onnx
    except ImportError:
        return None
    return onnx.load_from_string(data)


def _printable_ascii(ch: str) -> bool:
    return len(ch) == 1 and ch.isascii() and ch.isprintable() and not ch.isspace()


def _prune_projection(model, keep: list[int]) -> bytes | None:
    """``model`` (a parsed ONNX graph, edited in place) with its final MatMul + Add cut to
    the ``keep`` classes, serialised; None when the graph does not end that way."""
    from onnx import numpy_helper

    graph = model.graph
    inits = {init.name: init for init in graph.initializer}
    nodes = {out: node for node in graph.node for out in node.output}
    softmax = nodes.get(graph.output[0].name)
    add = _producer(nodes, softmax.input[0] if softmax is not None and softmax.op_type == "Softmax" else None)
    matmul = _producer(nodes, add.input[0]) if add is not None and add.op_type == "Add" else None
    if matmul is None or matmul.op_type != "MatMul" or matmul.input[1] not in inits or add.input[1] not in inits:
        logger.info("recogniser graph not as expected: running the full projection")
        return None
    for name, axis in ((matmul.input[1], 1), (add.input[1], 0)):
        array = numpy_helper.to_array(inits[name])
        inits[name].CopyFrom(numpy_helper.from_array(np.take(array, keep, axis=axis).copy(), name))
    for value in graph.output:  # the class dimension of the output changes
        dims = value.type.tensor_type.shape.dim
        if dims:
            dims[-1].Clear()
            dims[-1].dim_value = len(keep)
    for info in list(graph.value_info):
        if info.name in (matmul.output[0], add.output[0]):
            graph.value_info.remove(info)
    return model.SerializeToString()


def _producer(nodes: dict, name: str | None):
    """The node that outputs ``name``, looking through Identity nodes."""
    node = nodes.get(name) if name else None
    while node is not None and node.op_type == "Identity":
        node = nodes.get(node.input[0])
    return node
