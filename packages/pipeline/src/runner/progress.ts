// Progress on the terminal: a redrawn bar on a TTY, plain throttled lines otherwise (CI logs).
// Labels and messages may hold names from files: they are escaped (printable) before printing.
import { printable } from '@enxuto/ir';
import type { Logger } from '@enxuto/pass';
import type { ProgressSink } from './progress-sink.js';

export { silentLogger, silentProgress, type ProgressSink } from './progress-sink.js';

export interface StreamLike {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function consoleProgress(stream: StreamLike, opts: { tty?: boolean } = {}): ProgressSink {
  const tty = opts.tty ?? (Boolean(stream.isTTY) && !process.env.CI);
  let label = '';
  let lastQuarter = 0;
  let drawn = false;
  return {
    begin(l) {
      label = printable(l);
      // begin() already printed the start; plain lines then come at each quarter.
      lastQuarter = 0;
      if (!tty) stream.write(`${l}...\n`);
    },
    update(done, total, raw) {
      const message = raw === undefined ? undefined : printable(raw);
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      if (tty) {
        const width = 24;
        const fill = Math.round(frac * width);
        const bar = `${'#'.repeat(fill)}${'-'.repeat(width - fill)}`;
        stream.write(`\r\x1b[2K${label} [${bar}] ${done}/${total}${message ? ` ${message}` : ''}`);
        drawn = true;
      } else {
        const quarter = Math.floor(frac * 4);
        if (quarter > lastQuarter) {
          lastQuarter = quarter;
          stream.write(`${label}: ${done}/${total}${message ? ` ${message}` : ''}\n`);
        }
      }
    },
    end(summary) {
      if (tty && drawn) stream.write('\r\x1b[2K');
      drawn = false;
      stream.write(`${label}${summary ? `: ${printable(summary)}` : ' done'}\n`);
    },
  };
}

export function streamLogger(stream: StreamLike, verbose = false): Logger {
  return {
    debug: (m) => {
      if (verbose) stream.write(`  ${printable(m)}\n`);
    },
    info: (m) => stream.write(`  ${printable(m)}\n`),
    warn: (m) => stream.write(`  warning: ${printable(m)}\n`),
  };
}
