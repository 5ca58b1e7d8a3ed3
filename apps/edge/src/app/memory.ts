// Memory figures, where the browser reports them: Chromium's performance.memory (JS heap), and the
// cross-origin-isolated measureUserAgentSpecificMemory (which may wait for a garbage collection,
// so it is bounded by a timeout rather than awaited forever).
export interface MemoryFigures {
  jsHeapBytes?: number;
  userAgentBytes?: number;
}

type PerfWithMemory = Performance & {
  memory?: { usedJSHeapSize: number };
  measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
};

export async function measureMemory(timeoutMs = 2000): Promise<MemoryFigures> {
  const perf = performance as PerfWithMemory;
  const out: MemoryFigures = {};
  if (perf.memory) out.jsHeapBytes = perf.memory.usedJSHeapSize;
  if (globalThis.crossOriginIsolated && typeof perf.measureUserAgentSpecificMemory === 'function') {
    const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs));
    try {
      const m = await Promise.race([perf.measureUserAgentSpecificMemory(), timeout]);
      if (m) out.userAgentBytes = m.bytes;
    } catch {
      // Not allowed in this context: report what we have.
    }
  }
  return out;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
