// Runs models in TF.js itself (the wasm backend, ~10x faster than cpu in Node) through IOHandlers that read files directly: no
// fetch, no file:// URLs. Used by tests only.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { concatBytes } from '@enxuto/ir';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let ready: Promise<void> | undefined;

export function tfReady(): Promise<void> {
  ready ??= (async () => {
    const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(`${wasmDir}/`);
    await tf.setBackend('wasm');
    await tf.ready();
  })();
  return ready;
}

/** An IOHandler over a model.json object and its shard bytes (in manifest order). */
export function memoryHandler(modelJson: any, shards: Uint8Array[]): tf.io.IOHandler {
  return {
    load: async () => ({
      modelTopology: modelJson.modelTopology,
      format: modelJson.format,
      generatedBy: modelJson.generatedBy,
      convertedBy: modelJson.convertedBy,
      signature: modelJson.signature,
      userDefinedMetadata: modelJson.userDefinedMetadata,
      weightSpecs: modelJson.weightsManifest.flatMap((g: any) => g.weights),
      weightData: concatBytes(shards).slice().buffer,
    }),
  };
}

/** An IOHandler reading model.json and its shards from a folder (each path as the manifest says). */
export function folderHandler(modelJsonPath: string): tf.io.IOHandler {
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  const dir = dirname(modelJsonPath);
  const shards = json.weightsManifest.flatMap((g: any) =>
    g.paths.map((p: string) => new Uint8Array(readFileSync(join(dir, p)))),
  );
  return memoryHandler(json, shards);
}

export async function loadGraph(handler: tf.io.IOHandler): Promise<tf.GraphModel> {
  await tfReady();
  return tf.loadGraphModel(handler);
}

export async function loadLayers(handler: tf.io.IOHandler): Promise<tf.LayersModel> {
  await tfReady();
  return tf.loadLayersModel(handler);
}

/** Runs a graph model on one float32 input, returning each output's values. */
export function runGraph(
  model: tf.GraphModel,
  input: Float32Array,
  shape: number[],
  outputs?: string[],
): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor(input, shape, 'float32');
    const inName = model.inputs[0]!.name;
    const r = outputs ? model.execute({ [inName]: x }, outputs) : model.execute({ [inName]: x });
    const list = Array.isArray(r) ? r : [r];
    return list.map((t) => t.dataSync() as Float32Array);
  });
}

export { tf };
