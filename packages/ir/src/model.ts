// A model: a main graph plus what surrounds it (opset imports, local functions, metadata).
import type { Attr, Int } from './attr.js';
import { Graph } from './graph.js';

/** A local function (ONNX FunctionProto): a named subgraph nodes may call by (domain, name). */
export class LocalFunction {
  overload = '';
  docString = '';
  /** Names of the attributes the body may reference (`refAttrName`). */
  attributes: string[] = [];
  /** Attributes with default values. */
  readonly attributeDefaults = new Map<string, Attr>();
  readonly opsetImports = new Map<string, number>();
  readonly metadata = new Map<string, string>();
  readonly extras = new Map<string, unknown>();
  /** Inputs and outputs of the body are the function's formal parameters (untyped). */
  readonly body: Graph;

  constructor(
    public name: string,
    public domain: string,
    body?: Graph,
  ) {
    this.body = body ?? new Graph(name);
  }

  get key(): string {
    return functionKey(this.domain, this.name, this.overload);
  }
}

export function functionKey(domain: string, name: string, overload = ''): string {
  return `${domain}::${name}::${overload}`;
}

export class Model {
  irVersion = 10;
  /** Domain -> opset version; '' is ai.onnx. Insertion order is kept for stable output. */
  readonly opsetImports = new Map<string, number>([['', 21]]);
  producerName = 'enxuto';
  producerVersion = '';
  domain = '';
  modelVersion: Int = 0;
  docString = '';
  readonly metadata = new Map<string, string>();
  readonly functions: LocalFunction[] = [];
  /** Format-specific data kept for a lossless round trip (e.g. ONNX training_info). */
  readonly extras = new Map<string, unknown>();

  constructor(public graph: Graph = new Graph('main')) {}

  /** The opset version of a domain ('' or 'ai.onnx' for the default domain). */
  opset(domain = ''): number | undefined {
    const d = domain === 'ai.onnx' ? '' : domain;
    return this.opsetImports.get(d) ?? (d === '' ? this.opsetImports.get('ai.onnx') : undefined);
  }

  findFunction(domain: string, name: string, overload = ''): LocalFunction | undefined {
    return this.functions.find((f) => f.domain === domain && f.name === name && f.overload === overload);
  }

  /** Every graph of the model: main, nested subgraphs, function bodies and their subgraphs. */
  *allGraphs(): Generator<Graph> {
    yield* walkGraphs(this.graph);
    for (const f of this.functions) yield* walkGraphs(f.body);
  }
}

export function* walkGraphs(g: Graph): Generator<Graph> {
  yield g;
  for (const n of g.nodes) for (const sg of n.subgraphs()) yield* walkGraphs(sg);
}
