import { randomBytes } from 'node:crypto';
import { systemActor } from '../../platform/access/actor.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { createUser } from './create-user.js';

export type BootstrapResult = { created: false } | { created: true; email: string; generatedPassword: string | null };

/** On an empty installation, creates the first admin; a generated password is returned to be shown once. */
export async function bootstrapAdmin(deps: { db: Db; clock: Clock }, input: { email?: string; password?: string }): Promise<BootstrapResult> {
  const anyUser = await deps.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (anyUser) return { created: false };
  const email = input.email ?? 'admin@baton.local';
  const generatedPassword = input.password ? null : randomBytes(12).toString('base64url');
  await createUser(
    { db: deps.db, clock: deps.clock, actor: systemActor('bootstrap') },
    { email, name: 'Administrator', role: 'admin', password: input.password ?? generatedPassword! },
  );
  return { created: true, email, generatedPassword };
}
