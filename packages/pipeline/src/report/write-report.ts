// Writes report.json and report.html into the report folder, atomically, never over an input.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertNotInput, atomicWrite } from '@enxuto/io/node';
import { renderReportHtml } from './html.js';
import type { PipelineReport } from './report-types.js';

export function reportJson(report: PipelineReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function writeReport(report: PipelineReport, dir: string, inputs: readonly string[]): string[] {
  mkdirSync(dir, { recursive: true });
  const enc = new TextEncoder();
  const files = [join(dir, 'report.json'), join(dir, 'report.html')];
  for (const f of files) assertNotInput(f, inputs);
  atomicWrite(files[0]!, enc.encode(reportJson(report)));
  atomicWrite(files[1]!, enc.encode(renderReportHtml(report)));
  return files;
}
