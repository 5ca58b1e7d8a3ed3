// Before work starts: every pass that needs data or training has it, and gates that measure
// accuracy or agreement have evaluation data.
import { ConfigError } from '@enxuto/ir';
import type { PipelineConfig } from '../config/schema.js';
import type { ResolvedPass } from '../config/validate.js';
import type { DataRole } from '@enxuto/pass';
import { gatesNeedData } from './gates.js';

/** Passes that need data or training have it; gates that measure accuracy have evaluation data. */
export function checkNeeds(
  config: PipelineConfig,
  passes: readonly ResolvedPass[],
  /** The data declared, by role: datasets or their specs. */
  data: Partial<Record<DataRole, unknown>>,
  file: string | undefined,
): void {
  const where = file ? { file } : {};
  for (const p of passes) {
    if (p.definition.needs.includes('training') && !data.training) {
      throw new ConfigError(`pass ${p.name} needs data.training`, {
        code: 'config/missing-data',
        field: `passes.${p.index}`,
        ...where,
      });
    }
    if (p.definition.needs.includes('data') && !data.calibration && !data.training) {
      throw new ConfigError(`pass ${p.name} needs data (data.calibration or data.training)`, {
        code: 'config/missing-data',
        field: `passes.${p.index}`,
        ...where,
      });
    }
  }
  if (config.gates.length > 0 && gatesNeedData(config.gates) && !data.evaluation) {
    throw new ConfigError('the gates measure accuracy or agreement: declare data.evaluation', {
      code: 'config/missing-data',
      field: 'gates',
      ...where,
    });
  }
}
