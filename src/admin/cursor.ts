import { ApiError } from './errors.ts';
import { Uuid } from './schemas.ts';

/** An opaque keyset cursor: the last row's time and id. */
const encodeCursor = (at: Date, id: string): string =>
  Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [s, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const at = new Date(s);
    if (Number.isNaN(at.getTime()) || !Uuid.safeParse(id).success) throw new Error('bad cursor');
    return { at, id };
  } catch {
    throw new ApiError(400, 'The cursor is not one this API gave out; start again without it.');
  }
}

/**
 * One page of a list fetched with `limit + 1` rows: the extra row only says that more follow, and the cursor points
 * after the last row shown.
 */
export function pageOf<R>(
  rows: readonly R[],
  limit: number,
  key: (row: R) => { at: Date; id: string },
): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(key(last).at, key(last).id) : null };
}
