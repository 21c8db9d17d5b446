/**
 * A pass-through stream that checks, while the bytes go by, that they are JSONL (one JSON
 * object per non-empty line): it remembers the first bad line and stops checking after it,
 * so a binary upload costs one failed parse.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** What the check found once the stream ended. */
export interface JsonlReport {
  /** Non-empty lines seen (until the first bad one). */
  lines: number;
  /** The first bad line (1-based) and why, if any. */
  bad?: { line: number; reason: string };
}

/** Longest line checked; a longer one counts as bad (no line is held whole beyond this). */
const MAX_LINE = 16 * 1024 * 1024;

/**
 * A checking pass-through and its report (complete once the stream has ended).
 *
 * @example
 * ```ts
 * const { stream, report } = jsonlCheck();
 * await blobs.put(file.pipe(stream));
 * if (report.bad) throw invalid(`line ${report.bad.line}: ${report.bad.reason}`, 'file');
 * ```
 */
export function jsonlCheck(): { stream: Transform; report: JsonlReport } {
  const report: JsonlReport = { lines: 0 };
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let lineNo = 0;
  const check = (line: string) => {
    lineNo += 1;
    if (report.bad || line.trim() === '') return;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) report.bad = { line: lineNo, reason: 'not a JSON object' };
      else report.lines += 1;
    } catch {
      report.bad = { line: lineNo, reason: 'not valid JSON' };
    }
  };
  const feed = (text: string) => {
    if (report.bad) return;
    let start = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      check(partial + text.slice(start, i));
      partial = '';
      start = i + 1;
    }
    partial += text.slice(start);
    if (partial.length > MAX_LINE) report.bad = { line: lineNo + 1, reason: `line longer than ${MAX_LINE} bytes` };
  };
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      feed(decoder.write(chunk));
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      feed(decoder.end());
      if (!report.bad && partial !== '') check(partial);
      cb();
    },
  });
  return { stream, report };
}
