import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/runtime.js';

const eslint = new ESLint({ cwd: projectRoot });
const lint = async (code: string, filePath: string) => {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId);
};

describe('the import boundary keeps every core/ pure', () => {
  it.each([
    ["import pg from 'pg';\nexport const x = pg;", 'no-restricted-imports'],
    ["import fs from 'node:fs';\nexport const x = fs;", 'no-restricted-imports'],
    ["import { sql } from 'kysely';\nexport const x = sql;", 'no-restricted-imports'],
    ["import { findUserById } from '../store.js';\nexport const x = findUserById;", 'no-restricted-imports'],
    ['export const now = () => new Date();', 'no-restricted-syntax'],
    ['export const now = () => Date.now();', 'no-restricted-syntax'],
    ['export const zone = process.env.TZ;', 'no-restricted-syntax'],
  ])('refuses %s in core/', async (code, rule) => {
    expect(await lint(code, 'src/routing/core/example.ts')).toContain(rule);
  });

  it('allows the same code outside core/ and pure code inside it', async () => {
    expect(await lint("import pg from 'pg';\nexport const x = pg;", 'src/routing/store.ts')).toEqual([]);
    expect(await lint('export const due = (now: Date, hours: number) => new Date(now.getTime() + hours * 3_600_000);', 'src/routing/core/sla.ts')).toEqual([]);
  });
});
