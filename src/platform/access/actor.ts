import type { Role } from '../db/database.js';

/** Who is acting: a signed-in user, an API token holder, or Baton itself (CLI, jobs). */
export type Actor =
  | {
      kind: 'user';
      userId: string;
      role: Role;
      partnerId: string | null;
      label: string;
      via: 'session' | 'token';
      sessionId?: string;
      tokenId?: string;
    }
  | { kind: 'system'; role: 'admin'; partnerId: null; label: string };

export const systemActor = (label: string): Actor => ({ kind: 'system', role: 'admin', partnerId: null, label });

export const actorId = (actor: Actor): string | null => (actor.kind === 'user' ? actor.userId : null);
