/** Parsing what a user typed in an editor's JSON mode. Pure. */

/** The text as a JSON object, or why not (a syntax error, or another JSON type). */
export function parseJsonObject<T>(text: string): { ok: true; value: T } | { ok: false; error: string } {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, error: 'the JSON must be an object' };
    return { ok: true, value: parsed as T };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
