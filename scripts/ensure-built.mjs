// Builds server and web when their output is missing or older than their sources, so `npm start` on a
// fresh clone (or after a pull) always runs what the sources say, without rebuilding every time.
// `--web-only`: just the web app (browser tests).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const newest = (dir) => {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
};
const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

if (!existsSync('node_modules/.bin/tsc')) process.exit(0); // production install without dev tools: use what is shipped
const webOnly = process.argv.includes('--web-only');
const steps = [];
if (!webOnly && builtAt('dist/src/cli/main.js') < Math.max(newest('src'), builtAt('package.json'))) steps.push('build:server');
if (builtAt('web/dist/index.html') < newest('web')) steps.push('build:web');
for (const step of steps) {
  console.error(`> npm run ${step}`);
  execSync(`npm run ${step}`, { stdio: 'inherit' });
}
