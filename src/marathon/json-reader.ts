/**
 * Typed reads over untrusted JSON, recording Play-JSON-style type errors
 * (`error.expected.jsstring`, `error.expected.jsnumber`, …) at Marathon paths
 * instead of throwing. `null` reads as absent, as Marathon's optional fields
 * do (the seeds post `"cmd": null`). Pure.
 */
import { indexPath, keyPath, Violations } from './validation-errors.js';

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Reads fields of objects, collecting type errors in `errors`. */
export class JsonReader {
  constructor(readonly errors: Violations = new Violations()) {}

  private expect(path: string, token: string): undefined {
    this.errors.add(path, token);
    return undefined;
  }

  /** `obj[key]` unless absent or null. */
  raw(obj: JsonObject, key: string): unknown {
    const v = obj[key];
    return v === null ? undefined : v;
  }

  /** A string field; wrong type → `error.expected.jsstring`. */
  string(obj: JsonObject, key: string, path: string): string | undefined {
    const v = this.raw(obj, key);
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : this.expect(keyPath(path, key), 'error.expected.jsstring');
  }

  /** A finite number field; wrong type → `error.expected.jsnumber`. */
  number(obj: JsonObject, key: string, path: string): number | undefined {
    const v = this.raw(obj, key);
    if (v === undefined) return undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : this.expect(keyPath(path, key), 'error.expected.jsnumber');
  }

  /** An integer field; a non-integral number → `error.expected.int`. */
  int(obj: JsonObject, key: string, path: string): number | undefined {
    const v = this.number(obj, key, path);
    if (v === undefined) return undefined;
    return Number.isInteger(v) ? v : this.expect(keyPath(path, key), 'error.expected.int');
  }

  /** A boolean field; wrong type → `error.expected.jsboolean`. */
  bool(obj: JsonObject, key: string, path: string): boolean | undefined {
    const v = this.raw(obj, key);
    if (v === undefined) return undefined;
    return typeof v === 'boolean' ? v : this.expect(keyPath(path, key), 'error.expected.jsboolean');
  }

  /** An object field; wrong type → `error.expected.jsobject`. */
  object(obj: JsonObject, key: string, path: string): JsonObject | undefined {
    const v = this.raw(obj, key);
    if (v === undefined) return undefined;
    return isObject(v) ? v : this.expect(keyPath(path, key), 'error.expected.jsobject');
  }

  /** An array field; wrong type → `error.expected.jsarray`. */
  array(obj: JsonObject, key: string, path: string): unknown[] | undefined {
    const v = this.raw(obj, key);
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v : this.expect(keyPath(path, key), 'error.expected.jsarray');
  }

  /** An array of objects; returns `[element, path]` pairs of the well-typed elements. */
  objects(obj: JsonObject, key: string, path: string): Array<[JsonObject, string]> | undefined {
    const list = this.array(obj, key, path);
    if (list === undefined) return undefined;
    const out: Array<[JsonObject, string]> = [];
    list.forEach((el, i) => {
      const p = indexPath(keyPath(path, key), i);
      if (isObject(el)) out.push([el, p]);
      else this.expect(p, 'error.expected.jsobject');
    });
    return out;
  }

  /** An array of strings; bad elements → `error.expected.jsstring` at `/key(i)`. */
  strings(obj: JsonObject, key: string, path: string): string[] | undefined {
    const list = this.array(obj, key, path);
    if (list === undefined) return undefined;
    const out: string[] = [];
    list.forEach((el, i) => {
      if (typeof el === 'string') out.push(el);
      else this.expect(indexPath(keyPath(path, key), i), 'error.expected.jsstring');
    });
    return out;
  }

  /** An object of string values (labels); null values are dropped, others → `error.expected.jsstring`. */
  stringMap(obj: JsonObject, key: string, path: string): Record<string, string> | undefined {
    const o = this.object(obj, key, path);
    if (o === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) {
      if (v === null) continue;
      if (typeof v === 'string') out[k] = v;
      else this.expect(keyPath(keyPath(path, key), k), 'error.expected.jsstring');
    }
    return out;
  }
}
