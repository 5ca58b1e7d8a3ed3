"""Small quantized TFLite models made by TensorFlow's own converter, for @enxuto/tflite's tests.

Run once (Python allowed in tools/, never needed by tests or the product):
    /work/venvs/tf/bin/python tools/tflite-fixtures/make_quantized_models.py tools/tflite-fixtures/models

Every model computes the same small image network (conv, depthwise conv with per-channel weights on
axis 3, residual add, concat, max pool, bilinear resize, mean, dense, softmax) so the tests see the
quantization forms real exporters write:
  int8-float-io   full-integer int8 kernels, float input/output behind QUANTIZE/DEQUANTIZE
  int8-io         int8 input and output (what TFLite Micro's hello-world and Coral's int8 models take)
  uint8-io        uint8 input and output around int8 kernels (TF2's post-training uint8 form)
  int16x8         int16 activations with int8 weights
  int8-dense      a hello-world style dense network, int8 input and output
Weights and calibration come from a fixed seed, so a re-run writes the same files.
"""
import os
import sys

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(20261207)


def const(shape, scale):
    return tf.constant(rng.normal(0.0, scale, size=shape).astype(np.float32))


class ImageNet(tf.Module):
    def __init__(self):
        self.w1 = const([3, 3, 3, 8], 0.3)
        self.b1 = const([8], 0.1)
        self.dw = const([3, 3, 8, 1], 0.3)
        self.db = const([8], 0.1)
        self.w2 = const([1, 1, 8, 8], 0.3)
        self.b2 = const([8], 0.1)
        self.fc = const([16, 5], 0.3)
        self.fb = const([5], 0.1)

    @tf.function(input_signature=[tf.TensorSpec([1, 16, 16, 3], tf.float32)])
    def __call__(self, x):
        y = tf.nn.relu6(tf.nn.conv2d(x, self.w1, 2, 'SAME') + self.b1)
        z = tf.nn.relu(tf.nn.depthwise_conv2d(y, self.dw, [1, 1, 1, 1], 'SAME') + self.db)
        z = tf.nn.conv2d(z, self.w2, 1, 'VALID') + self.b2
        r = z + y
        p = tf.nn.max_pool2d(r, 2, 2, 'VALID')
        u = tf.image.resize(p, [8, 8], method='bilinear')
        c = tf.concat([u, r], axis=3)
        m = tf.reduce_mean(c, axis=[1, 2])
        return tf.nn.softmax(tf.matmul(m, self.fc) + self.fb)


class DenseNet(tf.Module):
    def __init__(self):
        self.w1, self.b1 = const([1, 16], 0.8), const([16], 0.3)
        self.w2, self.b2 = const([16, 16], 0.3), const([16], 0.1)
        self.w3, self.b3 = const([16, 1], 0.3), const([1], 0.1)

    @tf.function(input_signature=[tf.TensorSpec([1, 1], tf.float32)])
    def __call__(self, x):
        h = tf.nn.relu(tf.matmul(x, self.w1) + self.b1)
        h = tf.nn.relu(tf.matmul(h, self.w2) + self.b2)
        return tf.matmul(h, self.w3) + self.b3


def convert(module, shape, io_type=None, int16=False):
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.__call__.get_concrete_function()], module)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    calib = np.random.default_rng(7)

    def data():
        for _ in range(64):
            yield [calib.uniform(-1.0, 1.0, size=shape).astype(np.float32)]

    converter.representative_dataset = data
    # Per-tensor dense weights, as Coral's and TFLite Micro's models have them (tfjs-tflite-node's
    # TFLite, our test interpreter, computes per-channel int8 FULLY_CONNECTED wrongly).
    converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    if int16:
        converter.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
        ]
    else:
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if io_type is not None:
        converter.inference_input_type = io_type
        converter.inference_output_type = io_type
    return converter.convert()


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    image, dense = ImageNet(), DenseNet()
    models = {
        'int8-float-io': convert(image, [1, 16, 16, 3]),
        'int8-io': convert(image, [1, 16, 16, 3], tf.int8),
        'uint8-io': convert(image, [1, 16, 16, 3], tf.uint8),
        'int16x8': convert(image, [1, 16, 16, 3], int16=True),
        'int8-dense': convert(dense, [1, 1], tf.int8),
    }
    for name, data in models.items():
        with open(os.path.join(out_dir, f'{name}.tflite'), 'wb') as f:
            f.write(data)
        print(name, len(data), 'bytes')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'tools/tflite-fixtures/models')
