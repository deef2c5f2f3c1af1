import type { Migration } from 'kysely';
import * as m0001 from './0001_platform.js';
import * as m0002 from './0002_identity.js';
import * as m0003 from './0003_routing.js';
import * as m0004 from './0004_integrations.js';
import * as m0005 from './0005_orders.js';
import * as m0006 from './0006_channel.js';
import * as m0007 from './0007_imports.js';
import * as m0008 from './0008_sync.js';
import * as m0009 from './0009_matching.js';
import * as m0010 from './0010_registrations.js';
import * as m0011 from './0011_partners.js';
import * as m0012 from './0012_portal.js';
import * as m0013 from './0013_orders_perf.js';
import * as m0014 from './0014_write_path.js';
import * as m0015 from './0015_audit_seals.js';
import * as m0016 from './0016_open_work_counts.js';
import * as m0017 from './0017_seal_without_row_check.js';
import * as m0018 from './0018_room_for_order_updates.js';

/** Every migration, in order. Listed statically so `tsx` and the compiled build resolve the same set. */
export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_identity': m0002,
  '0003_routing': m0003,
  '0004_integrations': m0004,
  '0005_orders': m0005,
  '0006_channel': m0006,
  '0007_imports': m0007,
  '0008_sync': m0008,
  '0009_matching': m0009,
  '0010_registrations': m0010,
  '0011_partners': m0011,
  '0012_portal': m0012,
  '0013_orders_perf': m0013,
  '0014_write_path': m0014,
  '0015_audit_seals': m0015,
  '0016_open_work_counts': m0016,
  '0017_seal_without_row_check': m0017,
  '0018_room_for_order_updates': m0018,
};
