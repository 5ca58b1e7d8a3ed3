// Sessions for the app's two backends. WebAssembly goes through @enxuto/runtime's ort-web backend
// (the very code `enxuto bench --runtime ort-web` runs); WebGPU needs an execution-provider choice
// the runtime's SessionOptions do not carry yet, so a thin adapter over onnxruntime-web sits here.
import type { Model } from '@enxuto/ir';
import { RuntimeError, type DataType, type Dim, type TypedArray } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { getBackend, type Session, type TensorData, type TensorInfo } from '@enxuto/runtime';
import * as ort from 'onnxruntime-web';

export type EdgeBackend = 'wasm' | 'webgpu';

export interface Capabilities {
  /** COOP/COEP in force: SharedArrayBuffer, hence wasm threads. */
  isolated: boolean;
  threads: number;
  webgpu: boolean;
}

/** onnxruntime-web loads its .mjs/.wasm from the app's ort/ folder (copied there at build). */
export function configureOrt(appBase: string, caps: Capabilities): void {
  ort.env.wasm.wasmPaths = new URL('ort/', appBase).href;
  ort.env.wasm.numThreads = caps.threads;
}

export async function detectCapabilities(): Promise<Capabilities> {
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = navigator.hardwareConcurrency || 1;
  let webgpu = false;
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu) {
    try {
      webgpu = (await gpu.requestAdapter()) != null;
    } catch {
      webgpu = false;
    }
  }
  return { isolated, threads: isolated ? Math.max(1, Math.min(4, cores)) : 1, webgpu };
}

function toInfo(m: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!m.isTensor) return { name: m.name, dtype: undefined, shape: [] };
  const shape: Dim[] = m.shape.map((d) => (typeof d === 'number' ? (d >= 0 ? d : null) : d === '' ? null : d));
  return { name: m.name, dtype: m.type as DataType, shape };
}

class WebGpuSession implements Session {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly name: string,
  ) {
    this.inputs = session.inputMetadata.map(toInfo);
    this.outputs = session.outputMetadata.map(toInfo);
  }
  async run(feeds: Record<string, TensorData>, fetches?: string[]): Promise<Record<string, TensorData>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(feeds))
      ortFeeds[k] = new ort.Tensor(t.dtype as ort.Tensor.Type, t.data as never, t.shape);
    let res: ort.InferenceSession.ReturnType;
    try {
      res = await this.session.run(ortFeeds);
    } catch (e) {
      throw new RuntimeError(`inference failed: ${(e as Error).message}`, {
        code: 'runtime/run',
        file: this.name,
        cause: e,
      });
    }
    const out: Record<string, TensorData> = {};
    for (const name of fetches ?? this.outputs.map((o) => o.name)) {
      const t = res[name]!;
      out[name] = { dtype: t.type as DataType, shape: [...t.dims], data: (await t.getData()) as TypedArray };
    }
    return out;
  }
  async release(): Promise<void> {
    await this.session.release();
  }
}

export async function createEdgeSession(
  model: Model | Uint8Array,
  backend: EdgeBackend,
  name: string,
  caps: Capabilities,
): Promise<Session> {
  if (backend === 'wasm') return getBackend('ort-web').createSession(model, { name, threads: caps.threads });
  const bytes = model instanceof Uint8Array ? model : writeOnnxBytes(model);
  try {
    const s = await ort.InferenceSession.create(bytes, {
      executionProviders: ['webgpu'],
      graphOptimizationLevel: 'all',
    });
    return new WebGpuSession(s, name);
  } catch (e) {
    throw new RuntimeError(`WebGPU could not load the model: ${(e as Error).message}`, {
      code: 'runtime/load',
      file: name,
      cause: e,
    });
  }
}
