import { readOnnxFile } from '@enxuto/onnx/node';
const m = readOnnxFile(process.argv[2]!);
for (const v of m.graph.inputs) console.log('in', v.name, v.dtype, v.shape);
for (const v of m.graph.outputs) console.log('out', v.name, v.dtype, v.shape);
for (const n of m.graph) console.log(n.domain, n.opType, n.inputs.map(v=>v?`${v.name}${v.const?'(c'+v.const.dtype+'['+v.const.shape+'])':''}`:'-').join(','), '->', n.outputs.map(v=>v?.name+':'+JSON.stringify(v?.shape)).join(','), [...n.attributes].map(([k,a])=>k+'='+JSON.stringify((a as any).value)).join(' '));
console.log([...m.opsetImports]);
