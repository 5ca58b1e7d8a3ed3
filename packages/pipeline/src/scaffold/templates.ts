// The files of a new pass package, as text. Kept apart from the writer so docs and tests can show
// exactly what `enxuto new-pass` generates.

export interface PassPackageNames {
  /** Namespaced pass name, e.g. `acme/clamp-weights`. */
  pass: string;
  /** npm package name, e.g. `@acme/enxuto-clamp-weights`. */
  packageName: string;
  /** Version range of the enxuto packages to depend on. */
  enxutoVersion: string;
}

/** Every file of the package, as [path relative to its folder ('/'-separated), text]. */
export function passPackageFiles(n: PassPackageNames): [string, string][] {
  return [
    ['package.json', packageJson(n)],
    ['tsconfig.json', tsconfigJson()],
    ['tsconfig.build.json', tsconfigBuildJson()],
    ['README.md', readme(n)],
    ['src/index.ts', passSource(n)],
    ['src/index.test.ts', passTest(n)],
  ];
}

const camel = (s: string) =>
  s.replace(/[-/@.]+([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^[^a-zA-Z]+/, '');

/** zod's range, as the enxuto packages ask for it. */
const ZOD = '^4.6.7';

export function packageJson(n: PassPackageNames): string {
  return `${JSON.stringify(
    {
      name: n.packageName,
      version: '0.1.0',
      description: `enxuto pass ${n.pass}`,
      type: 'module',
      keywords: ['enxuto-plugin'],
      // "source" lets enxuto's own tests (and yours, under vitest) load the plugin without a build.
      exports: { '.': { source: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } },
      types: './dist/index.d.ts',
      files: ['dist', 'src', '!src/**/*.test.ts'],
      scripts: {
        build: 'tsc -p tsconfig.build.json',
        typecheck: 'tsc -p tsconfig.json',
        test: 'vitest run',
        prepack: 'npm run build',
      },
      license: 'Apache-2.0',
      // The pass API and zod come from the project that runs the pipeline: one copy of each.
      peerDependencies: { '@enxuto/ir': n.enxutoVersion, '@enxuto/pass': n.enxutoVersion, zod: ZOD },
      devDependencies: {
        '@enxuto/ir': n.enxutoVersion,
        '@enxuto/pass': n.enxutoVersion,
        '@types/node': '^20.19.0',
        typescript: '~5.9.3',
        vitest: '^4.0.0',
        zod: ZOD,
      },
    },
    null,
    2,
  )}\n`;
}

/** tsconfig.json: type-checks everything, tests included (`npm run typecheck`); emits nothing. */
export function tsconfigJson(): string {
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noUnusedLocals: true,
        verbatimModuleSyntax: true,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
      },
      include: ['src'],
    },
    null,
    2,
  )}\n`;
}

/** tsconfig.build.json: the same settings, emitting dist/ without the tests (`npm run build`). */
export function tsconfigBuildJson(): string {
  return `${JSON.stringify(
    {
      extends: './tsconfig.json',
      compilerOptions: { noEmit: false, declaration: true, rootDir: 'src', outDir: 'dist' },
      exclude: ['src/**/*.test.ts'],
    },
    null,
    2,
  )}\n`;
}

export function passSource(n: PassPackageNames): string {
  const id = camel(n.pass.split('/')[1]!);
  return `// ${n.pass}: clamps every float32 weight to [-limit, limit].
// Replace the body of run() with your own pass; keep options as a zod object with defaults and
// descriptions, so \`enxuto passes\`, the JSON Schema and error messages know them.
import { float32Tensor, type Model } from '@enxuto/ir';
import { definePass, definePlugin } from '@enxuto/pass';
import { z } from 'zod';

export const ${id} = definePass({
  name: '${n.pass}',
  summary: 'Clamp every float32 weight to [-limit, limit]',
  options: z.strictObject({
    limit: z.number().positive().default(1).describe('largest absolute weight value kept'),
    minElements: z.number().int().min(0).default(0).describe('leave tensors with fewer elements than this alone'),
  }),
  // The pass edits the model it is given (false: it returns a new model and leaves its input alone).
  inPlace: true,
  async run(model: Model, options, ctx) {
    const g = model.graph;
    const weights = g.initializers().filter((v) => v.const?.dtype === 'float32' && v.const.size >= options.minElements);
    let clamped = 0;
    for (const [i, v] of weights.entries()) {
      ctx.throwIfAborted();
      const values = v.const!.toFloat32().map((x) => {
        const y = Math.min(options.limit, Math.max(-options.limit, x));
        if (y !== x) clamped++;
        return y;
      });
      g.setConst(v, float32Tensor([...v.const!.shape], values));
      ctx.progress.update(i + 1, weights.length);
    }
    ctx.logger.info(\`clamped \${clamped} values\`);
    return { model, changed: clamped > 0, stats: { clamped, tensors: weights.length } };
  },
});

export const plugin = definePlugin({ name: '${n.packageName}', passes: [${id}] });
`;
}

export function passTest(n: PassPackageNames): string {
  const id = camel(n.pass.split('/')[1]!);
  return `import { float32Tensor, Graph, Model, tensorType } from '@enxuto/ir';
import { testPassContext } from '@enxuto/pass/testing';
import { describe, expect, it } from 'vitest';
import { ${id}, plugin } from './index.js';

const context = () => testPassContext({ passName: '${n.pass}' });

function model(): Model {
  const g = new Graph('test');
  const x = g.addInput('x', tensorType('float32', [1, 2]));
  const w = g.addInitializer('w', float32Tensor([2, 2], [-3, 0.5, 2, -0.25]));
  const mm = g.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['y'] });
  g.setOutputs([mm.output(0)]);
  return new Model(g);
}

describe('${n.pass}', () => {
  it('clamps weights to the limit and reports how many', async () => {
    const options = ${id}.options.parse({ limit: 1 });
    const r = await ${id}.run(model(), options, context());
    expect(Array.from(r.model.graph.value('w')!.const!.toFloat32())).toEqual([-1, 0.5, 1, -0.25]);
    expect(r.stats).toEqual({ clamped: 2, tensors: 1 });
    expect(r.changed).toBe(true);
  });

  it('has defaults for every option and rejects bad values', () => {
    expect(${id}.options.parse({})).toEqual({ limit: 1, minElements: 0 });
    expect(${id}.options.safeParse({ limit: -1 }).success).toBe(false);
  });

  it('is exported as a plugin', () => {
    expect(plugin.passes.map((p) => p.name)).toEqual(['${n.pass}']);
  });
});
`;
}

export function readme(n: PassPackageNames): string {
  return `# ${n.packageName}

An [enxuto](https://github.com/enxuto) plugin with one pass: \`${n.pass}\`.

\`\`\`sh
npm install
npm run build && npm run typecheck && npm test
\`\`\`

## Use it in a project

Install it in the project that runs your pipelines, then list it under \`plugins:\` (quoted: YAML
reserves \`@\`):

- kept inside the project: add \`"workspaces": ["plugins/*"]\` to the project's package.json and run
  \`npm install\` there (the plugin's dependencies come from the project);
- or, after \`npm run build\` here: \`npm install ./path/to/this/folder\` in the project;
- or, once published: \`npm install ${n.packageName}\`.

\`\`\`yaml
plugins: ['${n.packageName}']
passes:
  - { type: ${n.pass}, options: { limit: 1 } }
\`\`\`

\`npx enxuto passes --plugin ${n.packageName}\` lists its passes and options.
`;
}
