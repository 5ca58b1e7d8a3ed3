// The shared setup, with the browser suites one after another: each builds the app with Vite,
// which would otherwise compete for the same two cores.
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(shared, { test: { fileParallelism: false } });
