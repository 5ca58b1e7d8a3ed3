// Signatures of the TFLite flatbuffer and the TF.js model.json. Their readers and writers live in
// @enxuto/tflite and @enxuto/tfjs, whose handlers join the table in registry.ts.
import { byExtension, type FormatMatch, type FormatSniffer } from './format.js';
import { tfjsWriteOptions, tfliteWriteOptions } from './write-options.js';

export const tfliteSniffer: FormatSniffer = {
  name: 'tflite',
  extensions: ['.tflite'],
  writeOptions: tfliteWriteOptions,
  match(head: Uint8Array, path: string): FormatMatch {
    // A flatbuffer's file identifier sits at bytes 4..8, after the root table offset.
    const id = head.length >= 8 ? String.fromCharCode(...head.subarray(4, 8)) : '';
    if (id === 'TFL3') return { match: 'magic', reason: 'file identifier TFL3 at byte 4' };
    return byExtension(this, path, head.length < 8 ? 'shorter than 8 bytes' : 'no TFL3 identifier at byte 4');
  },
};

/** Keys only a TF.js model.json has at its top level. */
const TFJS_KEYS = ['"modelTopology"', '"weightsManifest"'];

export const tfjsSniffer: FormatSniffer = {
  name: 'tfjs',
  extensions: ['.json', ''],
  writeOptions: tfjsWriteOptions,
  match(head: Uint8Array, path: string): FormatMatch {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 4096));
    const trimmed = text.replace(/^\uFEFF/, '').trimStart();
    if (!trimmed.startsWith('{')) return byExtension({ extensions: ['.json'] }, path, 'not a JSON object');
    if (TFJS_KEYS.some((k) => text.includes(k)))
      return { match: 'magic', reason: 'a JSON model with modelTopology/weightsManifest' };
    return byExtension({ extensions: ['.json'] }, path, 'a JSON object without modelTopology or weightsManifest');
  },
};
