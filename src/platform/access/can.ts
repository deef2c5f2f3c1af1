import { AppError } from '../errors.js';
import type { Actor } from './actor.js';
import { type Permission, rolePermissions } from './permissions.js';

/** What a permission is checked against; partner-scoped resources carry their partner. */
export type Resource = { partnerId?: string | null };

/** The one access decision: the role holds the permission, and partner actors stay inside their partner. */
export function can(actor: Actor, permission: Permission, resource?: Resource): boolean {
  if (!rolePermissions[actor.role].includes(permission)) return false;
  if (actor.partnerId !== null && resource !== undefined && resource.partnerId !== actor.partnerId) return false;
  return true;
}

/** Throws `forbidden` when the role lacks the permission; a foreign partner resource looks missing. */
export function assertCan(actor: Actor, permission: Permission, resource?: Resource): void {
  if (!rolePermissions[actor.role].includes(permission)) throw new AppError('forbidden');
  if (!can(actor, permission, resource)) throw new AppError('not_found', 'No such resource.');
}
