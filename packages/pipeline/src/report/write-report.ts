// Writes report.json and report.html into the report folder, atomically, never over a protected file.
import { join } from 'node:path';
import { atomicWrite, createFolders, ProtectedFiles } from '@enxuto/io/node';
import { renderReportHtml } from './html.js';
import { reportJson, type PipelineReport } from './report-types.js';

export { reportJson } from './report-types.js';

/** `protect`: the run's inputs (or their paths); no report file may replace one. */
export function writeReport(
  report: PipelineReport,
  dir: string,
  protect: ProtectedFiles | readonly string[] = [],
): string[] {
  const guard = protect instanceof ProtectedFiles ? protect : new ProtectedFiles().addAll(protect);
  const enc = new TextEncoder();
  const files = [join(dir, 'report.json'), join(dir, 'report.html')];
  for (const f of files) guard.assertWritable(f, { field: 'report' });
  createFolders(dir);
  atomicWrite(files[0]!, enc.encode(reportJson(report)), { protect: guard });
  atomicWrite(files[1]!, enc.encode(renderReportHtml(report)), { protect: guard });
  return files;
}
