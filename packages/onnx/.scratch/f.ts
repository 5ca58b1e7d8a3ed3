import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs/light.js';
const b = new Uint8Array(readFileSync('/work/shared/models/onnx-mnist-8/mnist.onnx'));
// walk top-level
const r = protobuf.Reader.create(b);
while (r.pos < r.len) { const start=r.pos; const t = r.uint32(); console.log('top', start, t>>>3, t&7); r.skipType(t&7); }
