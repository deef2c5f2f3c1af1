import { type Kysely, sql } from 'kysely';
import { PARTNER_DB_ROLE } from '../roles.js';

/**
 * Partner portal fixes to the 0006 partner wall, each for a leak found while building the portal:
 * 1. Accounts: 0006 let a partner see every account it held *any* registration on. Registrations are matched
 *    to an account at submission, so a pending or rejected registration matched to a direct-only account or to
 *    another partner's account exposed that account's real name and domain (and answered "yes, this customer
 *    exists" through GET /accounts/:id). A partner now sees accounts it is channel owner of, or holds an approved
 *    or won registration on.
 * 2. Registration status: the partner role may update `status` (for withdraw and resubmit), so the database
 *    itself now refuses any other transition made under that role — a partner can never approve itself.
 * 3. Activities: a partner's activity must be on one of its own registrations (0006 only checked partner_id,
 *    so an activity could be attached to another partner's registration id).
 * 4. Price lists: the partner role reads only price lists of its own tier's price tier.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const partner = sql.id(PARTNER_DB_ROLE);
  await sql`
    DROP POLICY partner_own ON accounts;
    CREATE POLICY partner_own ON accounts TO ${partner}
      USING (channel_partner_id = baton_partner_scope()
             OR id IN (SELECT account_id FROM registrations WHERE partner_id = baton_partner_scope() AND status IN ('approved', 'won')))
      WITH CHECK (false);

    CREATE FUNCTION baton_partner_registration_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
           (OLD.status = 'returned' AND NEW.status IN ('submitted', 'under_review'))
        OR (OLD.status = 'submitted' AND NEW.status = 'under_review')
        OR (OLD.status IN ('submitted', 'under_review', 'returned', 'approved') AND NEW.status = 'withdrawn')
      ) THEN
        RAISE EXCEPTION 'a partner cannot move a registration from % to %', OLD.status, NEW.status USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER registrations_partner_guard BEFORE UPDATE ON registrations
      FOR EACH ROW WHEN (current_user = ${sql.lit(PARTNER_DB_ROLE)}) EXECUTE FUNCTION baton_partner_registration_guard();

    -- The app role is a member of the partner role, so a policy TO the partner role applies to it too: a
    -- restrictive one must let every other current_user through explicitly.
    CREATE POLICY partner_activity_target ON activities AS RESTRICTIVE FOR INSERT TO ${partner}
      WITH CHECK (current_user <> ${sql.lit(PARTNER_DB_ROLE)}
                  OR (record_type = 'registration' AND record_id IN (SELECT id FROM registrations WHERE partner_id = baton_partner_scope())));

    ALTER TABLE price_lists ENABLE ROW LEVEL SECURITY;
    ALTER TABLE price_lists FORCE ROW LEVEL SECURITY;
    CREATE POLICY internal_all ON price_lists TO PUBLIC USING (current_user <> ${sql.lit(PARTNER_DB_ROLE)}) WITH CHECK (current_user <> ${sql.lit(PARTNER_DB_ROLE)});
    CREATE POLICY partner_tier ON price_lists FOR SELECT TO ${partner}
      USING (tier = (SELECT t.price_tier FROM partners p JOIN partner_tiers t ON t.code = p.tier WHERE p.id = baton_partner_scope()));
    ALTER TABLE price_list_items ENABLE ROW LEVEL SECURITY;
    ALTER TABLE price_list_items FORCE ROW LEVEL SECURITY;
    CREATE POLICY internal_all ON price_list_items TO PUBLIC USING (current_user <> ${sql.lit(PARTNER_DB_ROLE)}) WITH CHECK (current_user <> ${sql.lit(PARTNER_DB_ROLE)});
    CREATE POLICY partner_tier ON price_list_items FOR SELECT TO ${partner} USING (price_list_id IN (SELECT id FROM price_lists));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const partner = sql.id(PARTNER_DB_ROLE);
  await sql`
    DROP POLICY partner_tier ON price_list_items;
    DROP POLICY internal_all ON price_list_items;
    ALTER TABLE price_list_items NO FORCE ROW LEVEL SECURITY;
    ALTER TABLE price_list_items DISABLE ROW LEVEL SECURITY;
    DROP POLICY partner_tier ON price_lists;
    DROP POLICY internal_all ON price_lists;
    ALTER TABLE price_lists NO FORCE ROW LEVEL SECURITY;
    ALTER TABLE price_lists DISABLE ROW LEVEL SECURITY;
    DROP POLICY partner_activity_target ON activities;
    DROP TRIGGER registrations_partner_guard ON registrations;
    DROP FUNCTION baton_partner_registration_guard();
    DROP POLICY partner_own ON accounts;
    CREATE POLICY partner_own ON accounts TO ${partner}
      USING (channel_partner_id = baton_partner_scope() OR id IN (SELECT account_id FROM registrations WHERE partner_id = baton_partner_scope()))
      WITH CHECK (channel_partner_id = baton_partner_scope() OR id IN (SELECT account_id FROM registrations WHERE partner_id = baton_partner_scope()));
  `.execute(db);
}
