// Queue URLs: redis://[user:password@]host[:port][/db] and rediss://… for TLS. The password may
// come from ENXUTO_REDIS_PASSWORD instead, so it is not on the command line (where `ps` shows it);
// ?ca=/path/ca.pem trusts a private certificate authority for TLS.
import { readFileSync } from 'node:fs';
import { ConfigError } from '@enxuto/ir';

export interface RedisConnectionOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { servername: string; ca?: string };
  /** Queue commands while Redis is away (a restart) instead of failing them: BullMQ needs this. */
  maxRetriesPerRequest: null;
}

function bad(url: string, why: string): ConfigError {
  return new ConfigError(
    `--queue ${redact(url)}: ${why} (expected redis://[user:password@]host[:port][/db] or rediss://…)`,
    {
      code: 'queue/bad-url',
      field: '--queue',
    },
  );
}

export function parseQueueUrl(url: string, env: NodeJS.ProcessEnv = process.env): RedisConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad(url, 'not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(url, `unknown scheme ${u.protocol}`);
  if (!u.hostname) throw bad(url, 'no host');
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 1_000_000) throw bad(url, `database ${dbText} is not a number`);
  const password = u.password ? decodeURIComponent(u.password) : env.ENXUTO_REDIS_PASSWORD;
  const ca = u.searchParams.get('ca');
  if (ca && u.protocol !== 'rediss:') throw bad(url, '?ca= needs rediss:// (TLS)');
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(password ? { password } : {}),
    ...(u.protocol === 'rediss:'
      ? { tls: { servername: u.hostname, ...(ca ? { ca: readFileSync(ca, 'utf8') } : {}) } }
      : {}),
    maxRetriesPerRequest: null,
  };
}

/** The URL with any password replaced, for messages and results.json. */
export function redact(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
