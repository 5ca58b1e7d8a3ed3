// The part of the onnxruntime JS API (onnxruntime-common) both adapters use. onnxruntime-node and
// onnxruntime-web export the same classes, so one adapter serves both.
import type { InferenceSession, Tensor } from 'onnxruntime-web';

export type OrtTensor = Tensor;
export type OrtSession = InferenceSession;

export interface OrtModule {
  InferenceSession: {
    create(bytes: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: new (type: Tensor.Type, data: Tensor.DataType, dims?: readonly number[]) => Tensor;
}

export type OrtSessionOptions = InferenceSession.SessionOptions;
