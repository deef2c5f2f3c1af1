#!/usr/bin/env node
// Runs the compiled CLI when built (npm start builds first), else the TypeScript source through tsx.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
let entry = compiled;
if (process.env.BATON_FROM_SOURCE === '1' || !existsSync(compiled)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = join(root, 'src', 'cli', 'main.ts');
}
const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv);
const longRunning = ['serve', 'worker'].includes(process.argv[2] ?? '');
if (!longRunning || code !== 0) process.exit(code);
