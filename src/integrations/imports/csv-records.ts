import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CsvError, parse } from 'csv-parse';
import type { Executor } from '../../platform/db/database.js';

/** A problem with the whole file (encoding, quoting): nothing of it is imported. */
export class ImportFileError extends Error {
  constructor(
    readonly line: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type CsvRecord = { line: number; values: string[]; raw: string };

/** Where a job's bytes come from: the chunks an upload was stored in, or a file the CLI was given. */
export type FileSource = { kind: 'upload'; db: Executor; jobId: string } | { kind: 'file'; path: string };

export async function* fileBytes(source: FileSource): AsyncGenerator<Buffer> {
  if (source.kind === 'file') {
    yield* fs.createReadStream(source.path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>;
    return;
  }
  // One stored chunk at a time: the file is never held in memory whole.
  for (let seq = 0; ; seq++) {
    const chunk = await source.db
      .selectFrom('import_file_chunks')
      .select('data')
      .where('job_id', '=', source.jobId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!chunk) return;
    yield chunk.data;
  }
}

export async function sha256Of(source: FileSource): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fileBytes(source)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Bytes → UTF-8 text, strictly: a UTF-16 file or a byte sequence that is not UTF-8 (a Latin-1 or Windows-1252
 * export) stops the import with an error naming the line, instead of importing mojibake.
 */
async function* utf8(bytes: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  let line = 1;
  for await (const chunk of bytes) {
    if (first && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      throw new ImportFileError(1, 'file', 'the file is UTF-16; export or save it as UTF-8 CSV');
    }
    first = false;
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      // Find the line of the first bad byte for the message: the longest prefix that still decodes.
      let good = 0;
      let bad = chunk.length;
      while (bad - good > 1) {
        const mid = (good + bad) >> 1;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(0, mid), { stream: true });
          good = mid;
        } catch {
          bad = mid;
        }
      }
      const before = chunk.subarray(0, good);
      for (const b of before) if (b === 0x0a) line++;
      throw new ImportFileError(line, 'file', `the file is not UTF-8 (an invalid byte on line ${line}); export or save it as UTF-8 CSV`);
    }
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    onBytes(chunk.length);
    yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw new ImportFileError(line, 'file', `the file is not UTF-8 (it ends inside a character on line ${line})`);
  }
}

/**
 * The records of a CSV file, streamed with constant memory: each with the line it starts on and its raw
 * text (for the error report). A UTF-8 byte-order mark is accepted; blank lines are skipped; ragged rows are
 * passed on (the caller reports them); broken quoting ends the stream with an ImportFileError.
 */
export async function* csvRecords(source: FileSource, onBytes: (n: number) => void = () => {}): AsyncGenerator<CsvRecord> {
  const parser = parse({ bom: true, relax_column_count: true, info: true, raw: true, skip_empty_lines: true, max_record_size: 1_000_000 });
  const feeding = pipeline(Readable.from(utf8(fileBytes(source), onBytes)), parser).catch((error: unknown) => {
    parser.destroy(error as Error);
  });
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      const body = item.raw.replace(/^(\r?\n)+/, '');
      const inner = (body.match(/\n/g)?.length ?? 0) - (body.endsWith('\n') ? 1 : 0);
      yield { line: item.info.lines - inner, values: item.record, raw: body.replace(/\r?\n$/, '') };
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    const csv = error as CsvError & { lines?: number };
    if (csv.code) throw new ImportFileError(csv.lines ?? 0, 'file', `line ${csv.lines ?? '?'}: ${csv.message.replace(/^.*?:\s*/, '')}`);
    throw error;
  } finally {
    await feeding;
  }
}
