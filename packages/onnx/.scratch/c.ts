import { buildMessageTable } from '../src/wire/field-tables.js';
import { ModelProtoType } from '../src/schema/root.js';
const t = buildMessageTable(ModelProtoType);
console.log(t.name, [...t.fields.keys()], ModelProtoType.fieldsArray.length);
