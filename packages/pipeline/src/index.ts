export {};
export * from './data/index.js';
