import { readFileSync } from 'node:fs';
import { decodeModelProto } from '../src/wire/decode.js';
const b = readFileSync('/work/shared/models/onnx-mnist-8/mnist.onnx');
try { const r = decodeModelProto(b); console.log('ok', r.scan); } catch (e) { console.log(String(e)); }
try { const r = decodeModelProto(new Uint8Array(b)); console.log('ok2', r.scan.unknownFieldCount); } catch (e) { console.log(String(e)); }
