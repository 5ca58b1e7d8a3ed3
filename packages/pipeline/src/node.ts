export {};
export * from './data/node.js';
