// The "Datasets" section of docs/pipelines.md, generated from the dataset zod schemas so the docs
// never disagree with what the pipeline accepts (specs-markdown.test.ts compares the committed copy).
import { z } from 'zod';
import { datasetSpecSchema } from './specs.js';
import { preprocessSchema } from './preprocess.js';

type JsonSchema = Record<string, unknown>;

const cell = (v: unknown) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (Array.isArray(s.anyOf)) return (s.anyOf as JsonSchema[]).map(typeOf).join(' or ');
  if (s.type === 'array') {
    const items = s.prefixItems ?? s.items;
    const inner = Array.isArray(items) ? (items as JsonSchema[]).map(typeOf).join(', ') : typeOf(items as JsonSchema);
    return Array.isArray(items) ? `[${inner}]` : `${inner}[]`;
  }
  return String(s.type ?? 'value');
}

function fieldsTable(schema: z.ZodType, skip: readonly string[] = []): string[] {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set((js.required as string[] | undefined) ?? []);
  const rows = ['| field | type | default | description |', '| --- | --- | --- | --- |'];
  for (const [k, s] of Object.entries((js.properties ?? {}) as Record<string, JsonSchema>)) {
    if (skip.includes(k)) continue;
    const def = s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : required.has(k) ? 'required' : '';
    rows.push(`| \`${k}\` | ${typeOf(s)} | ${def} | ${cell(s.description ?? '')} |`);
  }
  return rows;
}

export function datasetsMarkdown(): string {
  const out: string[] = [];
  for (const option of datasetSpecSchema.options) {
    const type = (option.shape.type as z.ZodLiteral<string>).value;
    out.push(`### \`${type}\``, '', `${cell(option.description ?? '')}.`, '');
    out.push(...fieldsTable(option, ['type', 'preprocess']));
    if ('preprocess' in option.shape) out.push('', `Also \`preprocess\` (below).`);
    out.push('');
  }
  out.push(
    '### `preprocess`',
    '',
    `Samples of every type except \`random\`: ${preprocessSchema.description ?? ''}. Each value is multiplied by \`scale\`, then \`mean\` is subtracted and the result divided by \`std\`.`,
    '',
  );
  out.push(...fieldsTable(preprocessSchema), '');
  return out.join('\n');
}
