// Where a run reports its phases (a terminal in the CLI, messages to the page from a worker), and
// the silent defaults. Browser-safe; the terminal renderer is in progress.ts.
import type { Logger } from '@enxuto/pass';

export interface ProgressSink {
  /** A new phase: a pass, an evaluation, writing outputs. */
  begin(label: string): void;
  update(done: number, total: number, message?: string): void;
  end(summary?: string): void;
}

export const silentProgress: ProgressSink = { begin() {}, update() {}, end() {} };

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };
