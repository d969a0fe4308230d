/**
 * The `label` selector of `GET /v2/apps` (§2.1.1): comma-separated terms, all
 * of which must hold: `key`, `key==v`, `key!=v`, `key in (a,b)`,
 * `key notin (a,b)`. Terms are `[-A-Za-z0-9_.]+`; other characters must be
 * backslash-escaped. Pure.
 */

/** One term of a selector. */
export type LabelTerm =
  | { kind: 'exists'; key: string }
  | { kind: 'eq' | 'neq'; key: string; value: string }
  | { kind: 'in' | 'notin'; key: string; values: string[] };

/** A selector that does not parse (HTTP 422 `Can not parse label selector …`). */
export class LabelSelectorError extends Error {
  readonly code = 'LABEL_SELECTOR_INVALID';
  constructor(readonly selector: string) {
    super(`Can not parse label selector ${selector}`);
    this.name = 'LabelSelectorError';
  }
}

const TERM = String.raw`(?:[-A-Za-z0-9_.]|\\.)+`;
const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Splits on commas outside parentheses and not escaped. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((t) => t.trim());
}

/** Parses a selector; throws LabelSelectorError. */
export function parseLabelSelector(text: string): LabelTerm[] {
  const terms: LabelTerm[] = [];
  for (const raw of splitTerms(text)) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^(${TERM})\\s*(==|!=)\\s*(${TERM})$`).exec(raw))) {
      terms.push({ kind: m[2] === '==' ? 'eq' : 'neq', key: unescape(m[1]!), value: unescape(m[3]!) });
    } else if ((m = new RegExp(`^(${TERM})\\s+(in|notin)\\s*\\(\\s*(${TERM}(?:\\s*,\\s*${TERM})*)\\s*\\)$`).exec(raw))) {
      terms.push({ kind: m[2] === 'in' ? 'in' : 'notin', key: unescape(m[1]!), values: splitTerms(m[3]!).map(unescape) });
    } else if ((m = new RegExp(`^(${TERM})$`).exec(raw))) {
      terms.push({ kind: 'exists', key: unescape(m[1]!) });
    } else {
      throw new LabelSelectorError(text);
    }
  }
  return terms;
}

/** True when `labels` satisfy every term. */
export function matchesLabels(terms: readonly LabelTerm[], labels: Readonly<Record<string, string>>): boolean {
  return terms.every((t) => {
    const value = labels[t.key];
    switch (t.kind) {
      case 'exists':
        return value !== undefined;
      case 'eq':
        return value === t.value;
      case 'neq':
        return value !== undefined && value !== t.value;
      case 'in':
        return value !== undefined && t.values.includes(value);
      case 'notin':
        return value !== undefined && !t.values.includes(value);
    }
  });
}
