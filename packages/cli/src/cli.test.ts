// The real command, spawned: exit codes, one-line errors, --help and --version.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { enxuto } from './test-cli.js';

const tmp = tempDir('enxuto-cli-');
afterAll(() => tmp.cleanup());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isTTY: false }, out, err };
}

describe('enxuto (spawned)', () => {
  it('--help lists every command and exits 0', () => {
    const r = enxuto(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['inspect', 'convert', 'bench']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('prints one line naming the file for a bad model, exit 1, no stack', () => {
    const bad = join(tmp.path, 'junk.onnx');
    writeFileSync(bad, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]));
    const r = enxuto(['inspect', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^enxuto: /);
    expect(lines[0]).toContain(bad);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('runCli (in-process)', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const c = capture();
    expect(await runCli(['--version'], c.io, {})).toBe(0);
    expect(c.out.join('')).toBe(`${pkg.version}\n`);
  });

  it('adds the stack trace with ENXUTO_DEBUG=1', async () => {
    const c = capture();
    expect(await runCli(['inspect', join(tmp.path, 'missing.onnx')], c.io, { ENXUTO_DEBUG: '1' })).toBe(1);
    expect(c.err.join('')).toMatch(/^enxuto: .*missing\.onnx.*no such file or folder \(ENOENT\)\n/);
    expect(c.err.join('')).toMatch(/\n\s+at /);
    const quiet = capture();
    await runCli(['inspect', join(tmp.path, 'missing.onnx')], quiet.io, {});
    expect(quiet.err.join('')).not.toMatch(/\n\s+at /);
  });

  it('names an unknown command and lists the known ones', async () => {
    const c = capture();
    expect(await runCli(['compress'], c.io, {})).toBe(1);
    expect(c.err.join('')).toMatch(
      /^enxuto: field command: unknown command 'compress' \(commands: inspect, convert, bench\b.*\)\n$/,
    );
  });

  it('shows a command usage with --help', async () => {
    const c = capture();
    expect(await runCli(['bench', '--help'], c.io, {})).toBe(0);
    expect(c.out.join('')).toMatch(/^usage: enxuto bench <model> \[--runtime ort-node\|ort-web\]/);
  });

  it('names the bad option', async () => {
    const c = capture();
    expect(await runCli(['bench', 'm.onnx', '--runs', 'many'], c.io, {})).toBe(1);
    expect(c.err.join('')).toBe("enxuto: field --runs: --runs must be a whole number from 1 to 1000000, got 'many'\n");
    const d = capture();
    expect(await runCli(['inspect', 'm.onnx', '--colour'], d.io, {})).toBe(1);
    expect(d.err.join('')).toMatch(/^enxuto: field --colour: Unknown option '--colour'/);
    const e = capture();
    expect(await runCli(['convert', 'only-one.onnx'], e.io, {})).toBe(1);
    expect(e.err.join('')).toMatch(/field out: expected <in> <out>, got 1 argument/);
  });

  it('prints help and exits 1 with no command', async () => {
    const c = capture();
    expect(await runCli([], c.io, {})).toBe(1);
    expect(c.out.join('')).toMatch(/^enxuto: compress neural networks/);
  });
});

describe('the package bin', () => {
  it('points at bin/enxuto.js, a node script that runs the built dist/main.js', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ enxuto: 'bin/enxuto.js' });
    const bin = readFileSync(new URL('../bin/enxuto.js', import.meta.url), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(bin).toContain("import('../dist/main.js')");
  });
});
