// The fused optimizer updates as WebAssembly SIMD loops over tfjs-backend-wasm's own memory (4
// floats per instruction; a JavaScript loop is 3x slower than TF.js's SIMD kernels and would eat
// the gain of fusing). The module is assembled here from a few opcodes, so there is no binary
// blob and no build step; it imports the backend's memory (shared when threaded) and works on
// byte offsets of its tensors. Lengths are in bytes, multiples of 16: the caller does the tail.

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// Instructions.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const load = (ptr: number, at: number) => [...get(ptr), ...get(at), 0x6a, ...simd(0x00), 0, 0];
const splat = (i: number) => [...get(i), ...simd(0x13)];
const add = simd(0xe4);
const sub = simd(0xe5);
const mul = simd(0xe6);
const div = simd(0xe7);
const sqrt = simd(0xe3);

/** for (at = 0; at < bytes; at += 16) body — `at` and `bytes` are locals. */
function loop(at: number, bytes: number, body: number[]): number[] {
  return [
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(at),
    ...get(bytes),
    0x4f, // i32.ge_u
    0x0d,
    1, // br_if out of the block
    ...body,
    ...get(at),
    0x41,
    16,
    0x6a,
    ...set(at),
    0x0c,
    0, // br to the loop
    0x0b,
    0x0b,
  ];
}

/** v128.store at ptr + at of the value the instructions `value` leave on the stack. */
const store = (ptr: number, at: number, value: number[]) => [
  ...get(ptr),
  ...get(at),
  0x6a,
  ...value,
  ...simd(0x0b),
  0,
  0,
];

// sgd(w, g, v, outW, outV, bytes, lr, mu, a, b): g' = g + wd w (wd folded: param 10),
// v' = mu v + g', w' = w - lr (a v' + b g') (a = 1, b = 0 plain momentum; a = mu, b = 1 Nesterov).
function sgdBody(): { params: number[]; locals: number[]; code: number[] } {
  const [w, g, v, ow, ov, bytes] = [0, 1, 2, 3, 4, 5];
  const scalars = [6, 7, 8, 9, 10]; // lr, mu, a, b, wd
  const at = 11;
  const splats = [12, 13, 14, 15, 16];
  const [lrV, muV, aV, bV, wdV] = splats as [number, number, number, number, number];
  const [wi, gi, vi] = [17, 18, 19];
  const code = [
    ...scalars.flatMap((s, i) => [...splat(s), ...set(splats[i]!)]),
    ...loop(at, bytes, [
      ...load(w, at),
      ...set(wi),
      ...load(g, at),
      ...get(wi),
      ...get(wdV),
      ...mul,
      ...add,
      ...set(gi),
      ...load(v, at),
      ...get(muV),
      ...mul,
      ...get(gi),
      ...add,
      ...set(vi),
      ...store(ov, at, get(vi)),
      ...store(ow, at, [
        ...get(wi),
        ...get(vi),
        ...get(aV),
        ...mul,
        ...get(gi),
        ...get(bV),
        ...mul,
        ...add,
        ...get(lrV),
        ...mul,
        ...sub,
      ]),
    ]),
  ];
  return {
    params: [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32],
    locals: [I32, ...Array(8).fill(V128)],
    code,
  };
}

// adam(w, g, m, v, outW, outM, outV, bytes, wd, b1, 1-b1, b2, 1-b2, lr/c1, 1/c2, eps):
// g' = g + wd w; m' = b1 m + (1-b1) g'; v' = b2 v + (1-b2) g'^2; w' = w - (lr/c1) m' / (sqrt(v'/c2) + eps).
function adamBody(): { params: number[]; locals: number[]; code: number[] } {
  const [w, g, m, v, ow, om, ov, bytes] = [0, 1, 2, 3, 4, 5, 6, 7];
  const scalars = [8, 9, 10, 11, 12, 13, 14, 15]; // wd, b1, 1-b1, b2, 1-b2, lr/c1, 1/c2, eps
  const at = 16;
  const splats = [17, 18, 19, 20, 21, 22, 23, 24];
  const [wdV, b1V, ob1V, b2V, ob2V, lrV, ic2V, epsV] = splats as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [wi, gi, mi, vi] = [25, 26, 27, 28];
  const code = [
    ...scalars.flatMap((s, i) => [...splat(s), ...set(splats[i]!)]),
    ...loop(at, bytes, [
      ...load(w, at),
      ...set(wi),
      ...load(g, at),
      ...get(wi),
      ...get(wdV),
      ...mul,
      ...add,
      ...set(gi),
      ...load(m, at),
      ...get(b1V),
      ...mul,
      ...get(gi),
      ...get(ob1V),
      ...mul,
      ...add,
      ...set(mi),
      ...load(v, at),
      ...get(b2V),
      ...mul,
      ...get(gi),
      ...get(gi),
      ...mul,
      ...get(ob2V),
      ...mul,
      ...add,
      ...set(vi),
      ...store(om, at, get(mi)),
      ...store(ov, at, get(vi)),
      ...store(ow, at, [
        ...get(wi),
        ...get(mi),
        ...get(lrV),
        ...mul,
        ...get(vi),
        ...get(ic2V),
        ...mul,
        ...sqrt,
        ...get(epsV),
        ...add,
        ...div,
        ...sub,
      ]),
    ]),
  ];
  return { params: [...Array(8).fill(I32), ...Array(8).fill(F32)], locals: [I32, ...Array(12).fill(V128)], code };
}

function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const fns = [sgdBody(), adamBody()];
  const types = fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]);
  // Shared memories must be imported as shared, with a maximum (4 GiB covers any).
  const limits = shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const imports = [[...name('env'), ...name('memory'), 0x02, ...limits]];
  const code = fns.map((f) => {
    const body = [...vec(f.locals.map((t) => [1, t])), ...f.code, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(
      7,
      vec([
        [...name('sgd'), 0x00, 0],
        [...name('adam'), 0x00, 1],
      ]),
    ),
    ...section(10, vec(code)),
  ]);
}

export interface SimdUpdates {
  sgd(...args: number[]): void;
  adam(...args: number[]): void;
}

const instances = new WeakMap<WebAssembly.Memory, SimdUpdates | null>();

/** The SIMD loops bound to `memory`, or null where the engine lacks WebAssembly SIMD. */
export function simdUpdates(memory: WebAssembly.Memory): SimdUpdates | null {
  let s = instances.get(memory);
  if (s === undefined) {
    const bytes = moduleBytes(typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer);
    s = WebAssembly.validate(bytes)
      ? (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as SimdUpdates)
      : null;
    instances.set(memory, s);
  }
  return s;
}
