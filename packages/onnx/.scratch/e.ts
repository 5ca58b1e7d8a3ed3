import { readFileSync } from 'node:fs';
import { buildMessageTable } from '../src/wire/field-tables.js';
import { ModelProtoType } from '../src/schema/root.js';
const t = buildMessageTable(ModelProtoType);
const g = t.fields.get(7)!; console.log(g);
if (g.kind==='message') { for (const [k,v] of g.table.fields) console.log(k, v.kind, v.name, (v as any).wireType, (v as any).packable); 
 const init = g.table.fields.get(5)!; if (init.kind==='message') for (const [k,v] of init.table.fields) console.log(' T', k, v.kind, v.name, (v as any).wireType, (v as any).packable);}
