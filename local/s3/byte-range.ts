/**
 * HTTP `Range` on GetObject as S3 answers it: one `bytes=` range
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html: "Amazon S3 doesn't support
 * retrieving multiple ranges of data per GET request"), resolved against the object's size as RFC
 * 9110 §14 describes: `first-last` (last clamped to the end), `first-` and the suffix `-length`.
 * A header that is not a valid single byte range is ignored and the whole object is sent (200), as
 * RFC 9110 §14.2 lets a server do; a valid range that starts at or past the end (or a zero-length
 * suffix, or any range of an empty object) is 416 `InvalidRange`.
 */
import { S3Error } from './s3-errors.ts';

export type ResolvedRange = { readonly kind: 'whole' } | { readonly kind: 'partial'; readonly start: number; readonly end: number };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function resolveRange(header: string | undefined, size: number): ResolvedRange {
  if (header === undefined) return { kind: 'whole' };
  const match = SINGLE_RANGE.exec(header.trim());
  if (match === null) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  const unsatisfiable = (): S3Error => new S3Error('InvalidRange', 'The requested range is not satisfiable', [['RangeRequested', header], ['ActualObjectSize', String(size)]]);
  if (first === '') {
    const length = Number(last);
    if (length === 0 || size === 0) throw unsatisfiable();
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  // `5-2` is not a valid range: ignored, like any other malformed header.
  if (last !== '' && end < start) return { kind: 'whole' };
  if (start >= size) throw unsatisfiable();
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}
