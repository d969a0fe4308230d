/**
 * State of an editor with a Form mode and a JSON mode (the Marathon app and
 * Chronos job editors): the form, the JSON text, and `base` — the last whole
 * document, so fields the form does not show survive every switch.
 */
import { useState } from 'preact/hooks';
import { parseJsonObject } from '../lib/json-object.js';
import type { EditorMode } from './editor-frame.js';

/** How an editor's document and its form convert. */
export interface DualModeCodec<D, F> {
  /** The document the form describes, keeping what the form lacks from `base`. */
  toDocument(form: F, base: D): D;
  toForm(document: D): F;
}

/** What `useDualMode` gives an editor. */
export interface DualMode<D, F> {
  mode: EditorMode;
  form: F;
  setForm(form: F): void;
  json: string;
  jsonError: string | undefined;
  /** The user typed in JSON mode. */
  editJson(text: string): void;
  base: D;
  /** Shows `document` (loaded for editing) in both modes. */
  load(document: D): void;
  /** Converts and switches; stays in JSON mode (error shown) when the JSON does not parse. */
  switchTo(next: EditorMode): void;
  /** The JSON text as a document, or undefined with the parse error shown. */
  parsedJson(): D | undefined;
}

/** See the module comment. */
export function useDualMode<D, F>(codec: DualModeCodec<D, F>, initialForm: () => F, initialBase: D): DualMode<D, F> {
  const [mode, setMode] = useState<EditorMode>('form');
  const [form, setForm] = useState<F>(initialForm);
  const [base, setBase] = useState<D>(initialBase);
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | undefined>(undefined);

  const parsedJson = (): D | undefined => {
    const parsed = parseJsonObject<D>(json);
    if (parsed.ok) return parsed.value;
    setJsonError(parsed.error);
    return undefined;
  };

  return {
    mode,
    form,
    setForm,
    json,
    jsonError,
    base,
    parsedJson,
    editJson(text) {
      setJson(text);
      setJsonError(undefined);
    },
    load(document) {
      setBase(document);
      setForm(codec.toForm(document));
      setJson(JSON.stringify(document, null, 2));
    },
    switchTo(next) {
      if (next === mode) return;
      if (next === 'json') {
        const document = codec.toDocument(form, base);
        setBase(document);
        setJson(JSON.stringify(document, null, 2));
        setJsonError(undefined);
        setMode('json');
        return;
      }
      const document = parsedJson();
      if (!document) return;
      setBase(document);
      setForm(codec.toForm(document));
      setMode('form');
    },
  };
}
