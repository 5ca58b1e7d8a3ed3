"""onnxruntime's own static quantizer, the reference for the real-model benchmark (never for tests).

usage: python ort_quantize.py FLOAT.onnx CALIB.npy INPUT_NAME OUT.onnx [--reduce-range] [--method minmax|entropy|percentile]
Runs onnxruntime's quant_pre_process (shape inference + graph optimization), then quantize_static in
QDQ format with per-channel int8 weights and uint8 activations (its defaults for CNNs).
"""
import sys
import tempfile

import numpy as np
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process


class Reader(CalibrationDataReader):
    def __init__(self, data, name):
        self.items = iter([{name: data[i : i + 1]} for i in range(data.shape[0])])

    def get_next(self):
        return next(self.items, None)


def main():
    src, calib, name, out = sys.argv[1:5]
    flags = sys.argv[5:]
    method = {"minmax": CalibrationMethod.MinMax, "entropy": CalibrationMethod.Entropy,
              "percentile": CalibrationMethod.Percentile}[flags[flags.index("--method") + 1] if "--method" in flags else "minmax"]
    data = np.load(calib)
    with tempfile.NamedTemporaryFile(suffix=".onnx") as pre:
        quant_pre_process(src, pre.name, skip_symbolic_shape=False)
        quantize_static(pre.name, out, Reader(data, name), quant_format=QuantFormat.QDQ, per_channel=True,
                        reduce_range="--reduce-range" in flags, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, calibrate_method=method)


if __name__ == "__main__":
    main()
