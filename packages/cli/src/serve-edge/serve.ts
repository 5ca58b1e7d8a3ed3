// `enxuto serve-edge`: a small static server for the built edge app. It sends the headers that make
// the page cross-origin isolated (COOP/COEP), which onnxruntime-web needs for wasm threads, and
// resolves every request path with the same rules as paths read from model files, so nothing
// outside the app folder (by '..', encoded dots, symlinks or hard links) is ever served.
import { closeSync, createReadStream, existsSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, isEnxutoError } from '@enxuto/ir';
import { type CheckedFile, openChecked, readFileChecked, resolveInside } from '@enxuto/io/node';
import { contentTypeFor } from './mime.js';

export interface ServeEdgeOptions {
  /** Folder of the built app (default: the package's dist/web). */
  dir?: string;
  /** Port; 0 picks a free one (default 8080). */
  port?: number;
  /** Interface to listen on (default '0.0.0.0': the whole local network). */
  host?: string;
  /** PEM certificate and key files: serve HTTPS, so phones on the LAN get a secure context. */
  tls?: { cert: string; key: string };
}

export interface EdgeServer {
  server: Server;
  /** The port actually bound. */
  port: number;
  /** Addresses to open: localhost first, then each LAN address. */
  urls: string[];
  close(): Promise<void>;
}

/** Where `npm run build -w @enxuto/edge` puts the app (works from src/ and from dist/). */
export function defaultAppDir(): string {
  // packages/cli/{src,dist}/serve-edge -> apps/edge/dist/web in this repository.
  return fileURLToPath(new URL('../../../../apps/edge/dist/web/', import.meta.url));
}

/** Headers on every response: cross-origin isolation, and no type sniffing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(`${text}\n`);
}

/** The relative file a URL path asks for ('' and folders mean their index.html), or null if malformed. */
export function requestedLocation(url: string): string | null {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  if (!path.startsWith('/')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  const rel = decoded.slice(1);
  return rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
}

function handle(dir: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'method not allowed');
    return;
  }
  const location = requestedLocation(req.url ?? '/');
  if (location === null) {
    send(res, 400, 'bad request path');
    return;
  }
  let file: CheckedFile;
  let fd: number;
  try {
    file = resolveInside(dir, location, { field: 'url' });
    fd = openChecked(file, { field: 'url' }); // the file checked is the file sent
  } catch (e) {
    // Missing files and refused paths look the same from outside: nothing to probe.
    if (isEnxutoError(e)) send(res, 404, 'not found');
    else send(res, 500, 'server error');
    return;
  }
  // The shell and the service worker must be revalidated so a rebuilt app reaches users;
  // everything else is named by content hash or cached by the service worker.
  const revalidate = /(^|\/)(index\.html|sw\.js|manifest\.webmanifest|models\.json)$/.test(location);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': contentTypeFor(location),
    'Content-Length': String(file.size),
    'Cache-Control': revalidate ? 'no-cache' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') {
    closeSync(fd);
    res.end();
    return;
  }
  const stream = createReadStream('', { fd, autoClose: true });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** A PEM file named on the command line: a regular file of at most 1 MiB. */
function readPem(path: string, field: string): Buffer {
  return Buffer.from(readFileChecked(path, { maxBytes: 1 << 20, option: 'the PEM size' }, { field }).bytes);
}

/** LAN addresses of this machine, for the "open this on your phone" line. */
export function lanAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}

/** Serves the built edge app; resolves once listening. */
export async function serveEdge(opts: ServeEdgeOptions = {}): Promise<EdgeServer> {
  const dir = opts.dir ?? defaultAppDir();
  const port = opts.port ?? 8080;
  const host = opts.host ?? '0.0.0.0';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`port must be a whole number from 0 to 65535, got ${port}`, {
      code: 'edge/bad-port',
      field: 'port',
    });
  }
  if (!existsSync(join(dir, 'index.html')) || !statSync(dir).isDirectory()) {
    throw new ConfigError(
      `${dir} holds no built edge app (index.html missing): run \`npm run build -w @enxuto/edge\` first`,
      {
        code: 'edge/not-built',
        file: dir,
        field: 'dir',
      },
    );
  }
  const listener = (req: IncomingMessage, res: ServerResponse) => handle(dir, req, res);
  const server: Server = opts.tls
    ? createHttpsServer({ cert: readPem(opts.tls.cert, 'cert'), key: readPem(opts.tls.key, 'key') }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const scheme = opts.tls ? 'https' : 'http';
  const hosts = host === '0.0.0.0' || host === '::' ? ['localhost', ...lanAddresses()] : [host];
  return {
    server,
    port: bound,
    urls: hosts.map((h) => `${scheme}://${h}:${bound}/`),
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
