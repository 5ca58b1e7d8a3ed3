// What changes in a node when its opset rises to `version`, for the operators whose meaning (not just
// their types) changed: the adapters of onnx.version_converter, written from the operator changelog.
import { attr, int64Tensor, type Node, reshapeTensor } from '@enxuto/ir';
import { elementTypeOf, floatAttrToInput, intsAttrToInput, rankOf, refuse, setConstInput } from './node-edits.js';
import { resizeRoiAndMapping, upsampleScalesAttribute, upsampleScalesInput, upsampleToResize } from './resize.js';
import { softmaxOnOneAxis } from './softmax.js';

export type Adapter = (node: Node, version: number) => void;

const dropAttrs =
  (...names: string[]): Adapter =>
  (node) => {
    for (const n of names) node.setAttr(n, undefined);
  };

/**
 * Before 7, `broadcast = 1` let B match A from `axis` on (B's trailing dims then broadcast as 1s);
 * from 7, numpy broadcasting aligns trailing dims. Give B the trailing 1s explicitly.
 */
function legacyBroadcast(node: Node, version: number): void {
  const axis = node.getInt('axis');
  if (node.getInt('broadcast', 0) === 1 && axis !== undefined) {
    const a = node.input(0);
    const b = node.input(1)!;
    const rankA = rankOf(a);
    const rankB = rankOf(b);
    if (rankA === undefined || rankB === undefined)
      refuse(node, version, 'legacy broadcast needs the ranks of A and B');
    const start = axis < 0 ? axis + rankA : axis;
    const trailing = rankA - start - rankB;
    if (trailing > 0) {
      const ones = Array<number>(trailing).fill(1);
      const c = b.const;
      if (c && b.isInitializer() && !b.isGraphInput()) {
        setConstInput(node, 1, reshapeTensor(c, [...c.shape, ...ones]), `${b.name}_aligned`);
      } else {
        const g = node.graph;
        const u = g.insertBefore(node, {
          opType: 'Unsqueeze',
          name: g.uniqueName(`${node.name || node.opType}_align`),
          inputs: [b],
          outputs: [g.uniqueName(`${b.name}_aligned`)],
          attributes: { axes: attr.ints(ones.map((_, i) => rankB + i)) },
        });
        g.setInput(node, 1, u.output(0));
      }
    }
  }
  dropAttrs('broadcast', 'axis')(node, version);
}

function batchNormSpatial(node: Node, version: number): void {
  if (node.getInt('spatial', 1) === 0 && (rankOf(node.input(0)) ?? 3) > 2)
    refuse(node, version, 'spatial = 0 (statistics per activation) has no later form');
  node.setAttr('spatial', undefined);
}

/** BatchNormalization-14 has no saved mean/variance outputs: drop unread ones, refuse read ones. */
function batchNormOutputs(node: Node, version: number): void {
  const extra = node.outputs.slice(1).filter((v) => v !== null);
  if (extra.length === 0) return;
  if (node.getInt('training_mode', 0) === 1) return;
  if (extra.some((v) => v!.uses().length > 0 || v!.isGraphOutput()))
    refuse(node, version, 'its running-statistics outputs are read; only inference form upgrades');
  const g = node.graph;
  const y = node.output(0);
  const name = y.name;
  const type = y.type;
  const copy = g.insertBefore(node, {
    opType: node.opType,
    name: node.name,
    inputs: node.inputs,
    outputs: [g.uniqueName(`${name}_bn`)],
    attributes: node.attributes,
  });
  g.replaceAllUsesWith(y, copy.output(0));
  g.remove(node);
  g.rename(copy.output(0), name);
  if (type) copy.output(0).type = type;
}

/** Dropout-10 made the mask boolean (it had the data type before). */
function dropoutMask(node: Node, version: number): void {
  const mask = node.outputs[1];
  if (mask && (mask.uses().length > 0 || mask.isGraphOutput())) refuse(node, version, 'its mask output changes type');
}

function clipBounds(node: Node): void {
  const dtype = elementTypeOf(node.input(0));
  const hasMin = floatAttrToInput(node, 'min', 1, dtype);
  const max = node.getFloat('max');
  if (max === undefined) return;
  if (!hasMin) node.graph.setInput(node, 1, null);
  floatAttrToInput(node, 'max', 2, dtype);
}

function padInputs(node: Node): void {
  intsAttrToInput(node, 'pads', 1);
  const value = node.getFloat('value');
  if (node.getString('mode', 'constant') === 'constant' && value !== undefined && value !== 0)
    floatAttrToInput(node, 'value', 2, elementTypeOf(node.input(0)));
  node.setAttr('value', undefined);
}

function sliceInputs(node: Node): void {
  intsAttrToInput(node, 'starts', 1);
  intsAttrToInput(node, 'ends', 2);
  intsAttrToInput(node, 'axes', 3);
}

function topKInput(node: Node, version: number): void {
  const k = node.attr('k');
  if (k?.type !== 'int') refuse(node, version, 'TopK-1 needs k');
  setConstInput(node, 1, int64Tensor([1], [k.value]), 'k');
  node.setAttr('k', undefined);
}

function dropoutRatioInput(node: Node): void {
  floatAttrToInput(node, 'ratio', 1, elementTypeOf(node.input(0)));
}

const axesToInput: Adapter = (node) => {
  intsAttrToInput(node, 'axes', 1);
};

function splitInput(node: Node): void {
  intsAttrToInput(node, 'split', 1);
}

/** Split-18 needs num_outputs when no split sizes are given. */
function splitOutputCount(node: Node): void {
  if (node.input(1) || node.attr('num_outputs')) return;
  node.setAttr('num_outputs', attr.int(node.outputs.length));
}

function roiAlignMapping(node: Node): void {
  if (!node.attr('coordinate_transformation_mode'))
    node.setAttr('coordinate_transformation_mode', attr.string('output_half_pixel'));
}

const refusing =
  (reason: string): Adapter =>
  (node, version) =>
    refuse(node, version, reason);

const REDUCE_18 = ['L1', 'L2', 'LogSum', 'LogSumExp', 'Max', 'Mean', 'Min', 'Prod', 'SumSquare'].map(
  (r) => `Reduce${r}`,
);

/** `${op}@${version}` -> the rewrite from version - 1 to version. */
export const ADAPTERS = new Map<string, Adapter>([
  ...['Add', 'Sub', 'Mul', 'Div', 'Pow', 'And', 'Or', 'Xor', 'Equal', 'Greater', 'Less'].map(
    (op) => [`${op}@7`, legacyBroadcast] as const,
  ),
  ['Gemm@7', dropAttrs('broadcast')],
  ['BatchNormalization@7', dropAttrs('is_test')],
  ['Dropout@7', dropAttrs('is_test')],
  ['Upsample@7', upsampleScalesAttribute],
  ['BatchNormalization@9', batchNormSpatial],
  ['Scan@9', refusing('Scan-8 has a batch axis and sequence lengths that Scan-9 dropped')],
  ['Upsample@9', upsampleScalesInput],
  ['Upsample@10', upsampleToResize],
  ['Slice@10', sliceInputs],
  ['TopK@10', topKInput],
  ['Dropout@10', dropoutMask],
  ['Clip@11', clipBounds],
  ['Pad@11', padInputs],
  ['Resize@11', resizeRoiAndMapping],
  [
    'Scatter@11',
    (node) => {
      node.opType = 'ScatterElements';
    },
  ],
  ['Dropout@12', dropoutRatioInput],
  ['Softmax@13', softmaxOnOneAxis],
  ['LogSoftmax@13', softmaxOnOneAxis],
  ['Hardmax@13', softmaxOnOneAxis],
  ['Squeeze@13', axesToInput],
  ['Unsqueeze@13', axesToInput],
  ['ReduceSum@13', axesToInput],
  ['Split@13', splitInput],
  ['BatchNormalization@14', batchNormOutputs],
  ['RoiAlign@16', roiAlignMapping],
  ...REDUCE_18.map((op) => [`${op}@18`, axesToInput] as const),
  ['Split@18', splitOutputCount],
  ['GroupNormalization@21', refusing('GroupNormalization-21 scales per channel, -18 per group')],
]);
