"""onnxruntime's own MatMulNBits quantizer, the reference for the language-model benchmark (never for tests).

usage: python ort_nbits.py FLOAT.onnx OUT.onnx --algo default|gptq|hqq [--bits 4] [--block 32] [--symmetric]
                           [--gather] [--gemm-as-matmul] [--calib IDS.npy] [--calib-batch 8]

--algo default  onnxruntime's blockwise round to nearest (MatMul; Gather too with --gather)
--algo gptq     its GPTQ (Intel Neural Compressor's, vendored in onnxruntime; MatMul only), calibrated on
                the int64 token windows of --calib; --gather then quantizes embeddings by round to nearest
--algo hqq      its HQQ (half-quadratic, no calibration; MatMul only; needs torch importable, as gptq does)
--gemm-as-matmul  Gemm with a constant weight becomes MatMul + Add first (the quantizer only takes MatMul:
                  without this, GPT-2's Conv1D layers exported as Gemm stay float)
"""
import argparse

import numpy as np
import onnx
from onnx import helper, numpy_helper
from onnxruntime.quantization import CalibrationDataReader
from onnxruntime.quantization.matmul_nbits_quantizer import (
    DefaultWeightOnlyQuantConfig,
    GPTQWeightOnlyQuantConfig,
    HQQWeightOnlyQuantConfig,
    MatMulNBitsQuantizer,
)


def gemm_as_matmul(model):
    """Gemm(A, W[, b]) with constant 2-D W, transA=0, alpha=beta=1 -> MatMul(A, W or W^T) [+ Add b]."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    nodes = []
    for n in g.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        w = inits.get(n.input[1]) if n.op_type == "Gemm" and len(n.input) > 1 else None
        simple = attrs.get("transA", 0) == 0 and attrs.get("alpha", 1.0) == 1.0 and attrs.get("beta", 1.0) == 1.0
        if w is None or len(w.dims) != 2 or not simple:
            nodes.append(n)
            continue
        weight = n.input[1]
        if attrs.get("transB", 0):
            t = numpy_helper.from_array(np.ascontiguousarray(numpy_helper.to_array(w).T), f"{weight}_T")
            g.initializer.append(t)
            weight = t.name
        y = n.output[0]
        has_bias = len(n.input) > 2 and n.input[2]
        mm_out = f"{y}_matmul" if has_bias else y
        nodes.append(helper.make_node("MatMul", [n.input[0], weight], [mm_out], name=f"{n.name}_MatMul"))
        if has_bias:
            nodes.append(helper.make_node("Add", [mm_out, n.input[2]], [y], name=f"{n.name}_Add"))
    del g.node[:]
    g.node.extend(nodes)
    return model


class TokenReader(CalibrationDataReader):
    """Feeds of a decoder for token windows: ids, mask of ones, positions, empty past key/values."""

    def __init__(self, model, ids, batch):
        self.model = model
        self.ids = ids
        self.batch = batch
        self.rewind()

    def feeds(self, ids):
        rows, length = ids.shape
        out = {}
        for inp in self.model.graph.input:
            name = inp.name
            dims = [d.dim_value if d.HasField("dim_value") else None for d in inp.type.tensor_type.shape.dim]
            if name.endswith("input_ids"):
                out[name] = ids
            elif name.endswith("attention_mask"):
                out[name] = np.ones((rows, length), np.int64)
            elif name.endswith("position_ids"):
                out[name] = np.tile(np.arange(length, dtype=np.int64), (rows, 1))
            elif name.startswith("past"):
                shape = [d if d is not None else (rows if i == 0 else 0) for i, d in enumerate(dims)]
                out[name] = np.zeros(shape, np.float32)
            elif name in {i.name for i in self.model.graph.initializer}:
                continue
            else:
                raise ValueError(f"no feed for input {name}")
        return out

    def rewind(self):
        self.items = iter(
            [self.feeds(self.ids[r : r + self.batch]) for r in range(0, self.ids.shape[0], self.batch)]
        )

    def get_next(self):
        return next(self.items, None)

    def __deepcopy__(self, memo):
        # The GPTQ driver deep-copies the reader: a fresh one over the same windows.
        return TokenReader(self.model, self.ids, self.batch)


def quantize(model, config, bits, block, symmetric):
    q = MatMulNBitsQuantizer(model, bits=bits, block_size=block, is_symmetric=symmetric, algo_config=config)
    q.process()
    return q.model.model


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("out")
    p.add_argument("--algo", choices=["default", "gptq", "hqq"], required=True)
    p.add_argument("--bits", type=int, default=4)
    p.add_argument("--block", type=int, default=32)
    p.add_argument("--symmetric", action="store_true")
    p.add_argument("--gather", action="store_true")
    p.add_argument("--gemm-as-matmul", action="store_true")
    p.add_argument("--calib")
    p.add_argument("--calib-batch", type=int, default=8)
    a = p.parse_args()

    model = onnx.load(a.src)
    if a.gemm_as_matmul:
        model = gemm_as_matmul(model)
    ops = ("MatMul", "Gather") if a.gather else ("MatMul",)
    axes = (("MatMul", 0), ("Gather", 1))
    if a.algo == "default":
        config = DefaultWeightOnlyQuantConfig(
            block_size=a.block, is_symmetric=a.symmetric, bits=a.bits, op_types_to_quantize=ops, quant_axes=axes
        )
        model = quantize(model, config, a.bits, a.block, a.symmetric)
    else:
        if a.algo == "hqq":
            config = HQQWeightOnlyQuantConfig(block_size=a.block, bits=a.bits)
        else:
            reader = TokenReader(model, np.load(a.calib).astype(np.int64), a.calib_batch)
            config = GPTQWeightOnlyQuantConfig(calibration_data_reader=reader)
        model = quantize(model, config, a.bits, a.block, a.symmetric)
        if a.gather:  # neither quantizes Gather: embeddings by its round to nearest, as ours
            config = DefaultWeightOnlyQuantConfig(
                block_size=a.block, is_symmetric=a.symmetric, bits=a.bits, op_types_to_quantize=("Gather",), quant_axes=axes
            )
            model = quantize(model, config, a.bits, a.block, a.symmetric)
    onnx.save(model, a.out)


if __name__ == "__main__":
    main()
