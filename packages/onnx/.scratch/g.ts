import { readFileSync } from 'node:fs';
import { buildMessageTable } from '../src/wire/field-tables.js';
import { ModelProtoType } from '../src/schema/root.js';
import { scanWire } from './scan-dbg.js';
const b = new Uint8Array(readFileSync('/work/shared/models/onnx-mnist-8/mnist.onnx'));
try { scanWire(b, buildMessageTable(ModelProtoType)); } catch (e) { console.log(String(e)); }
