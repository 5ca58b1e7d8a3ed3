// Node entry, kept for existing imports: the passes are the same as the main entry's, since
// `distill` reads its teacher / student files through the pass context (ctx.readFile).
export * from './index.js';
