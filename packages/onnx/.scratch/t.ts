import { onnxRoot, ModelProtoType } from '../src/schema/root.ts';
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs/light.js';
console.log(!!protobuf.util.Long);
const b = readFileSync('/work/shared/models/onnx-mnist-8/mnist.onnx');
const m: any = ModelProtoType.decode(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
console.log(m.irVersion, m.opsetImport, m.graph.initializer[0].rawData?.buffer === b.buffer, m.graph.initializer.map((t:any)=>[t.name,t.dims.map(String),t.dataType, t.rawData.length, t.floatData.length]));
console.log(Object.keys(m.graph.node[0]), m.graph.node[0]);
