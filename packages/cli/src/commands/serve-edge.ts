// `enxuto serve-edge`: serve the built edge app on the local network (for phones and Raspberry Pi).
import { parseArgs } from 'node:util';
import { ConfigError } from '@enxuto/ir';
import { serveEdge } from '../serve-edge/serve.js';
import type { Command, CommandIO } from './command.js';

const USAGE = `enxuto serve-edge [--port 8080] [--host 0.0.0.0] [--dir <built app>] [--cert cert.pem --key key.pem]

Serves the built edge app (npm run build -w @enxuto/edge) on the local network with the
Cross-Origin-Opener/Embedder-Policy headers onnxruntime-web needs for wasm threads.
Phones need a secure context for offline use and threads: use https (--cert/--key) or localhost.`;

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 8080;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > 65535) {
    throw new ConfigError(`--port must be a whole number from 0 to 65535, got '${raw}'`, {
      code: 'cli/bad-argument',
      field: '--port',
    });
  }
  return n;
}

export const serveEdgeCommand: Command & { run(argv: string[], io: CommandIO, signal?: AbortSignal): Promise<number> } =
  {
    name: 'serve-edge',
    summary: 'serve the edge app (PWA, onnxruntime-web) on the local network with COOP/COEP headers',
    usage: USAGE,
    async run(argv: string[], io: CommandIO, signal?: AbortSignal): Promise<number> {
      let values;
      try {
        ({ values } = parseArgs({
          args: argv,
          strict: true,
          allowPositionals: false,
          options: {
            port: { type: 'string' },
            host: { type: 'string' },
            dir: { type: 'string' },
            cert: { type: 'string' },
            key: { type: 'string' },
          },
        }));
      } catch (e) {
        throw new ConfigError(`${(e as Error).message.split('\n')[0]} (see enxuto serve-edge --help)`, {
          code: 'cli/bad-argument',
          field: 'arguments',
        });
      }
      if ((values.cert === undefined) !== (values.key === undefined)) {
        throw new ConfigError('--cert and --key go together', {
          code: 'cli/bad-argument',
          field: values.cert ? '--key' : '--cert',
        });
      }
      const served = await serveEdge({
        port: parsePort(values.port),
        host: values.host ?? '0.0.0.0',
        ...(values.dir !== undefined ? { dir: values.dir } : {}),
        ...(values.cert !== undefined && values.key !== undefined
          ? { tls: { cert: values.cert, key: values.key } }
          : {}),
      });
      io.out(`enxuto edge app at:\n${served.urls.map((u) => `  ${u}`).join('\n')}\n(Ctrl+C to stop)\n`);
      await new Promise<void>((resolveStop) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          signal?.removeEventListener('abort', stop);
          resolveStop();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        signal?.addEventListener('abort', stop, { once: true });
      });
      await served.close();
      return 0;
    },
  };
