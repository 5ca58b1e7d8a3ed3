// Learning-rate schedules, evaluated per epoch (so a resumed run uses exactly the same rates).
import { ConfigError } from '@enxuto/ir';

export type LrSchedule =
  | { type: 'constant'; lr: number }
  /** lr * gamma^floor(epoch / stepSize) */
  | { type: 'step'; lr: number; stepSize: number; gamma?: number }
  /** Cosine from lr down to minLr over the run's epochs. */
  | { type: 'cosine'; lr: number; minLr?: number }
  /** lr * gamma^epoch */
  | { type: 'exponential'; lr: number; gamma: number };

/** The learning rate of zero-based `epoch` in a run of `epochs` epochs. */
export function learningRate(schedule: number | LrSchedule, epoch: number, epochs: number): number {
  const s: LrSchedule = typeof schedule === 'number' ? { type: 'constant', lr: schedule } : schedule;
  if (!(s.lr > 0) || !Number.isFinite(s.lr)) {
    throw new ConfigError(`learning rate must be a positive number, got ${s.lr}`, {
      code: 'train/bad-lr',
      field: 'lr',
    });
  }
  switch (s.type) {
    case 'constant':
      return s.lr;
    case 'step':
      if (!(s.stepSize >= 1)) {
        throw new ConfigError(`step schedule needs stepSize >= 1, got ${s.stepSize}`, {
          code: 'train/bad-lr',
          field: 'lr.stepSize',
        });
      }
      return s.lr * (s.gamma ?? 0.1) ** Math.floor(epoch / s.stepSize);
    case 'cosine': {
      const min = s.minLr ?? 0;
      const t = epochs <= 1 ? 0 : epoch / (epochs - 1);
      return min + ((s.lr - min) * (1 + Math.cos(Math.PI * t))) / 2;
    }
    case 'exponential':
      return s.lr * s.gamma ** epoch;
    default:
      throw new ConfigError(`unknown lr schedule ${(s as { type: string }).type}`, {
        code: 'train/bad-lr',
        field: 'lr.type',
      });
  }
}
