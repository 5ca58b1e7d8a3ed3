import { bytes, ld, tag, str } from '../test/wire-builders.js';
const raw = Array.from({ length: 16 }, (_, i) => i + 1);
console.log(Array.from(bytes(ld(7, ld(5, [...tag(2, 0), 2, ...ld(9, raw)])))));
