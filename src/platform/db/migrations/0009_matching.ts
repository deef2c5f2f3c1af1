import { type Kysely, sql } from 'kysely';

/**
 * Account matching compares `accounts.normalized_name` with `baton_normalize_name(<input>)`. 0006 wrote the
 * function's regular expressions inside a JavaScript template literal, which drops the backslash of an unknown
 * escape: `\m`, `\M` and `\s` reached PostgreSQL as `m`, `M` and `s`, so the function removed no legal suffix
 * and deleted every letter "s" ("Acme Corporation" → "acme corporation", "Stat Holdings" → "tat holding").
 * The labelled matching fixture found it. Corrected here (doubled backslashes survive the template), also
 * folding common accents and dropping apostrophes and dots ("S.A." = "SA", "McDonald's" = "McDonalds"); the stored generated column is rebuilt, since PostgreSQL
 * never recomputes stored values when the function behind them changes.
 */
const LEGAL_FORMS =
  'inc|incorporated|llc|llp|lp|ltd|limited|corp|corporation|co|company|gmbh|ag|sa|sas|sarl|srl|spa|plc|bv|nv|oy|kk|pty|pte|pvt|the|and';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION baton_normalize_name(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT trim(regexp_replace(
               regexp_replace(
                 regexp_replace(
                   regexp_replace(
                     translate(lower(coalesce(name, '')), 'àáâãäåāçčćèéêëēěìíîïīñńňòóôõöøōřšśùúûüūůýÿžźż', 'aaaaaaaccceeeeeeiiiiinnnooooooorssuuuuuuyyzzz'),
                     '[''’\`.]', '', 'g'),
                   '[^a-z0-9 ]+', ' ', 'g'),
                 ${sql.lit(`\\m(${LEGAL_FORMS})\\M`)}, ' ', 'g'),
               '\\s+', ' ', 'g'))
    $$;

    ALTER TABLE accounts DROP COLUMN normalized_name;
    ALTER TABLE accounts ADD COLUMN normalized_name text GENERATED ALWAYS AS (baton_normalize_name(name)) STORED;

    -- (0006's trigram index on accounts.normalized_name went with the column and is not rebuilt: it could not
    -- serve.) accounts has forced row-level security, and under a policy PostgreSQL only uses leakproof operators as
    -- index conditions; pg_trgm's % is not leakproof, so a similarity search on accounts is always a sequential
    -- scan computing trigrams of every name. The names matching searches live here as well: no policy (it holds
    -- nothing but ids and normalised names, and the partner role has no grant on it), kept by a trigger, with
    -- its own trigram index. Candidates found here are read back from accounts, policies applied.
    CREATE TABLE account_match_names (
      account_id       uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
      normalized_name  text NOT NULL
    );
    -- GiST, not GIN: "the 10 most similar names" is a nearest-neighbour scan (ORDER BY <-> LIMIT) the planner
    -- reliably takes; it undercosts % and otherwise prefers scanning every row up to tens of thousands of them.
    CREATE INDEX account_match_names_trgm ON account_match_names USING gist (normalized_name gist_trgm_ops);
    CREATE FUNCTION account_match_names_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO account_match_names (account_id, normalized_name) VALUES (NEW.id, NEW.normalized_name)
        ON CONFLICT (account_id) DO UPDATE SET normalized_name = excluded.normalized_name;
      RETURN NULL;
    END $$;
    CREATE TRIGGER accounts_match_names AFTER INSERT OR UPDATE OF name ON accounts
      FOR EACH ROW EXECUTE FUNCTION account_match_names_sync();
    INSERT INTO account_match_names (account_id, normalized_name) SELECT id, normalized_name FROM accounts;
  `.execute(db);
}

/** Going back drops the search table; it keeps the corrected function (reinstating a known defect helps nobody). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER accounts_match_names ON accounts;
    DROP FUNCTION account_match_names_sync();
    DROP TABLE account_match_names;
  `.execute(db);
}
