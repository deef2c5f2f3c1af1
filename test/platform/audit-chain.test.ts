import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChainedRow, GENESIS_HASH, findChainBreak, hashRow } from '../../src/platform/audit/chain.js';

function buildChain(length: number, digested = false): Array<ChainedRow & { hash: string }> {
  const rows: Array<ChainedRow & { hash: string }> = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const row: ChainedRow = {
      seq,
      id: `00000000-0000-0000-0000-${String(seq).padStart(12, '0')}`,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      eventName: 'team.updated',
      entityType: 'team',
      entityId: `team-${seq % 3}`,
      actorId: null,
      actorLabel: 'test',
      reason: seq % 2 ? 'because' : null,
      requestId: null,
      before: { name: `n${seq - 1}`, version: seq - 1 },
      after: { name: `n${seq}`, version: seq },
      prevHash,
      digested,
    };
    const hash = hashRow(row);
    rows.push({ ...row, hash });
    prevHash = hash;
  }
  return rows;
}

const start = { seq: 0, hash: GENESIS_HASH };

describe('audit hash chain', () => {
  it('accepts an untouched chain', () => {
    expect(findChainBreak(buildChain(50), start)).toBeNull();
  });

  it('hashes canonical JSON: key order does not matter', () => {
    const [row] = buildChain(1);
    const reordered = { ...row!, after: { version: 1, name: 'n1' } };
    expect(hashRow(reordered)).toBe(row!.hash);
  });

  it.each([
    ['an edited field', (rows: ReturnType<typeof buildChain>) => { rows[4] = { ...rows[4]!, reason: 'changed' }; }, { seq: 5, problem: 'hash' }],
    ['edited JSON content', (rows: ReturnType<typeof buildChain>) => { rows[2] = { ...rows[2]!, after: { name: 'forged', version: 3 } }; }, { seq: 3, problem: 'hash' }],
    ['a removed row', (rows: ReturnType<typeof buildChain>) => { rows.splice(6, 1); }, { seq: 7, problem: 'gap' }],
    ['two swapped rows', (rows: ReturnType<typeof buildChain>) => { [rows[3], rows[4]] = [rows[4]!, rows[3]!]; }, { seq: 4, problem: 'gap' }],
    ['swapped contents, seq kept', (rows: ReturnType<typeof buildChain>) => { const a = rows[3]!; const b = rows[4]!; rows[3] = { ...b, seq: a.seq }; rows[4] = { ...a, seq: b.seq }; }, { seq: 4, problem: 'prev_hash' }],
    ['an inserted row', (rows: ReturnType<typeof buildChain>) => { rows.splice(2, 0, { ...rows[2]!, id: 'x' }); }, { seq: 3, problem: 'hash' }],
    ['a renumbered tail after a removal', (rows: ReturnType<typeof buildChain>) => { rows.splice(5, 1); for (let i = 5; i < rows.length; i++) rows[i] = { ...rows[i]!, seq: i + 1 }; }, { seq: 6, problem: 'prev_hash' }],
  ])('finds %s and names the first bad sequence number', (_name, tamper, expected) => {
    const rows = buildChain(10);
    tamper(rows);
    expect(findChainBreak(rows, start)).toEqual(expected);
  });

  it.each([
    ['rows hashed whole', false],
    ['digested rows (sealed after commit)', true],
  ])('detects every random single-row tampering of %s (1,000 trials)', (_name, digested) => {
    const chain = buildChain(30, digested);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 29 }),
        fc.constantFrom('reason', 'actorLabel', 'entityId', 'after', 'occurredAt', 'delete', 'duplicate'),
        fc.string({ minLength: 1, maxLength: 8 }),
        (index, mutation, value) => {
          const rows = chain.map((r) => ({ ...r }));
          const target = rows[index]!;
          if (mutation === 'delete') rows.splice(index, 1);
          else if (mutation === 'duplicate') rows.splice(index, 0, { ...target });
          else if (mutation === 'after') rows[index] = { ...target, after: { name: value, version: -1 } };
          else if (mutation === 'occurredAt') rows[index] = { ...target, occurredAt: new Date(Date.parse(target.occurredAt) + 1).toISOString() };
          else rows[index] = { ...target, [mutation]: `${String(target[mutation as 'reason'])}${value}` };
          const broken = findChainBreak(rows, start);
          if (index === 29 && mutation === 'delete') return broken === null; // a missing tail is the checkpoints' job
          return broken !== null && broken.seq <= index + 2;
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
