// The zoo models the benchmark quantizes: where each lives, what it eats, and how its outputs are
// judged (top-1 agreement for classifiers, per-output cosine for detectors/landmarks/segmentation).
import type { ImageInput } from './data.js';

export type Judge = 'top1' | 'cosine';

export interface ImageModel {
  name: string;
  /** Path under models/zoo. */
  file: string;
  input: ImageInput;
  judge: Judge;
  /** Trained weights (agreement means something) or random (latency and cosine only). */
  trained: boolean;
}

const rgb = (preprocess: ImageInput['preprocess']): ImageInput => ({ color: 'rgb', preprocess });
const unit = (size: number) => rgb({ layout: 'NHWC', shape: [1, size, size, 3] });
const signed = (size: number) => rgb({ layout: 'NHWC', scale: 2, mean: 1, shape: [1, size, size, 3] });
const imagenet = (size: number) =>
  rgb({ layout: 'NCHW', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], shape: [1, 3, size, size] });

export const IMAGE_MODELS: ImageModel[] = [
  {
    name: 'emotion',
    file: 'emotion/emotion.json',
    input: { color: 'grayscale', preprocess: { layout: 'NHWC', scale: 2, mean: 1, shape: [1, 64, 64, 1] } },
    judge: 'top1',
    trained: true,
  },
  { name: 'blazeface', file: 'blazeface/blazeface.json', input: signed(256), judge: 'cosine', trained: true },
  {
    name: 'movenet-lightning',
    file: 'movenet-lightning/movenet-lightning.json',
    input: { ...rgb({ layout: 'NHWC', scale: 255, shape: [1, 192, 192, 3] }), int32: true },
    judge: 'cosine',
    trained: true,
  },
  {
    name: 'nanodet',
    file: 'nanodet/nanodet.json',
    input: rgb({ layout: 'NCHW', shape: [1, 3, 416, 416] }),
    judge: 'cosine',
    trained: true,
  },
  {
    name: 'face_detection_short_range',
    file: 'face_detection_short_range/face_detection_short_range.tflite',
    input: signed(128),
    judge: 'cosine',
    trained: true,
  },
  {
    name: 'selfie_segmentation',
    file: 'selfie_segmentation/selfie_segmentation.tflite',
    input: unit(256),
    judge: 'cosine',
    trained: true,
  },
  {
    name: 'hand_landmark_lite',
    file: 'hand_landmark_lite/hand_landmark_lite.tflite',
    input: unit(224),
    judge: 'cosine',
    trained: true,
  },
  {
    name: 'pose_landmark_lite',
    file: 'pose_landmark_lite/pose_landmark_lite.tflite',
    input: unit(256),
    judge: 'cosine',
    trained: true,
  },
  {
    name: 'mobilenet_v3_small',
    file: 'mobilenet_v3_small/mobilenet_v3_small.onnx',
    input: imagenet(224),
    judge: 'cosine',
    trained: false,
  },
  {
    name: 'efficientnet_b0',
    file: 'efficientnet_b0/efficientnet_b0.onnx',
    input: imagenet(224),
    judge: 'cosine',
    trained: false,
  },
  {
    name: 'lraspp_mobilenet_v3_large',
    file: 'lraspp_mobilenet_v3_large/lraspp_mobilenet_v3_large.onnx',
    input: imagenet(320),
    judge: 'cosine',
    trained: false,
  },
];
