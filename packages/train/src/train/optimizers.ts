// SGD with momentum and Adam, written out so their state can be checkpointed by parameter name
// and restored exactly (TF.js's own optimizers hide theirs behind async weight lists). On wasm each
// weight's update is one fused pass (fused-updates.ts); elsewhere TF.js ops compute the same.
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@enxuto/ir';
import { ADAM_UPDATE, runFused, SGD_UPDATE } from './fused-updates.js';

export type OptimizerSpec =
  | { type: 'sgd'; momentum?: number; nesterov?: boolean; weightDecay?: number }
  | { type: 'adam'; beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number };

export interface Param {
  /** Initializer name: the key of its state in checkpoints. */
  name: string;
  variable: tf.Variable;
}

export interface Optimizer {
  /** Applies one update from gradients keyed by parameter name. */
  step(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void;
  /** State slots by `param/slot` name, plus the step count. */
  getState(): { step: number; slots: Map<string, tf.Tensor> };
  setState(step: number, slots: ReadonlyMap<string, Float32Array>): void;
  dispose(): void;
}

function slotVariables(params: readonly Param[], slots: readonly string[]): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const p of params) {
    for (const s of slots) {
      const zeros = tf.zerosLike(p.variable);
      out.set(`${p.name}/${s}`, tf.variable(zeros, false));
      zeros.dispose(); // the variable holds its own reference to the data
    }
  }
  return out;
}

function restore(state: Map<string, tf.Variable>, slots: ReadonlyMap<string, Float32Array>): void {
  for (const [key, v] of state) {
    const data = slots.get(key);
    if (data === undefined || data.length !== v.size) {
      throw new ConfigError(`optimizer state ${key} is missing or has the wrong size`, {
        code: 'train/bad-checkpoint',
        field: key,
      });
    }
    tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32')));
  }
}

export function createOptimizer(spec: OptimizerSpec, params: readonly Param[]): Optimizer {
  const wd = spec.weightDecay ?? 0;
  let t = 0;
  const withDecay = (g: tf.Tensor, p: Param) => (wd > 0 ? g.add(p.variable.mul(wd)) : g);
  if (spec.type === 'sgd') {
    const mu = spec.momentum ?? 0;
    const state = slotVariables(params, mu > 0 ? ['velocity'] : []);
    return {
      step(grads, lr) {
        t++;
        tf.tidy(() => {
          for (const p of params) {
            const g0 = grads.get(p.name);
            if (g0 === undefined) continue;
            const v0 = state.get(`${p.name}/velocity`);
            const fused =
              v0 &&
              runFused(
                SGD_UPDATE,
                { w: p.variable, g: g0, v: v0 },
                { lr, momentum: mu, nesterov: spec.nesterov ?? false, weightDecay: wd },
              );
            if (fused) {
              p.variable.assign(fused[0]!);
              v0!.assign(fused[1]!);
              continue;
            }
            const g = withDecay(g0, p);
            let update = g;
            if (mu > 0) {
              const v = state.get(`${p.name}/velocity`)!;
              const next = v.mul(mu).add(g);
              v.assign(next);
              update = spec.nesterov ? g.add(next.mul(mu)) : next;
            }
            p.variable.assign(p.variable.sub(update.mul(lr)));
          }
        });
      },
      getState: () => ({ step: t, slots: new Map(state) }),
      setState(step, slots) {
        t = step;
        restore(state, slots);
      },
      dispose: () => state.forEach((v) => v.dispose()),
    };
  }
  if (spec.type === 'adam') {
    const b1 = spec.beta1 ?? 0.9;
    const b2 = spec.beta2 ?? 0.999;
    const eps = spec.epsilon ?? 1e-8;
    const state = slotVariables(params, ['m', 'v']);
    return {
      step(grads, lr) {
        t++;
        const c1 = 1 - b1 ** t;
        const c2 = 1 - b2 ** t;
        tf.tidy(() => {
          for (const p of params) {
            const g0 = grads.get(p.name);
            if (g0 === undefined) continue;
            const m = state.get(`${p.name}/m`)!;
            const v = state.get(`${p.name}/v`)!;
            const fused = runFused(
              ADAM_UPDATE,
              { w: p.variable, g: g0, m, v },
              { lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, c1, c2 },
            );
            if (fused) {
              p.variable.assign(fused[0]!);
              m.assign(fused[1]!);
              v.assign(fused[2]!);
              continue;
            }
            const g = withDecay(g0, p);
            m.assign(m.mul(b1).add(g.mul(1 - b1)));
            v.assign(v.mul(b2).add(g.square().mul(1 - b2)));
            const update = m.div(c1).div(v.div(c2).sqrt().add(eps));
            p.variable.assign(p.variable.sub(update.mul(lr)));
          }
        });
      },
      getState: () => ({ step: t, slots: new Map(state) }),
      setState(step, slots) {
        t = step;
        restore(state, slots);
      },
      dispose: () => state.forEach((v) => v.dispose()),
    };
  }
  throw new ConfigError(`unknown optimizer ${(spec as { type: string }).type}`, {
    code: 'train/bad-optimizer',
    field: 'optimizer.type',
  });
}
