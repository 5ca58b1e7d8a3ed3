// `npm run bench`: every benchmark of this package, one after the other.
import { benchOnnxIo } from './onnx-io.js';
import { benchRuntimes } from './runtimes.js';

benchRuntimes();
benchOnnxIo();
