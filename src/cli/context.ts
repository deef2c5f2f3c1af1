import os from 'node:os';
import path from 'node:path';
import { systemActor } from '../platform/access/actor.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { type Runtime, projectRoot } from '../runtime.js';

/** CLI commands act as Baton itself, labelled with the operating-system user who ran them. */
export const cliContext = (runtime: Runtime): UseCaseContext => ({
  db: runtime.handle.db,
  clock: runtime.clock,
  actor: systemActor(`cli:${os.userInfo().username}`),
});

export const demoDataDir = path.join(projectRoot, 'data', 'demo');
