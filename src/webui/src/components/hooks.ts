/**
 * Preact hooks shared by the pages: the current hash route, a store's
 * snapshot, a ticking "now" for relative times, and a polled JSON endpoint.
 */
import { useEffect, useState } from 'preact/hooks';
import { parseRoute, type Route } from '../lib/route.js';
import { getJson } from '../lib/http.js';

/** The route of `location.hash`, updated on every hashchange. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Anything with `current` and `subscribe` (ClusterStore, MarathonStore). */
export interface Subscribable<T> {
  readonly current: T;
  subscribe(listener: () => void): () => void;
}

/** The store's current snapshot; re-renders on change. */
export function useStore<T>(store: Subscribable<T>): T {
  const [, setVersion] = useState(0);
  useEffect(() => store.subscribe(() => setVersion((v) => v + 1)), [store]);
  return store.current;
}

/** Epoch seconds, refreshed every `periodMs` so relative times move on. */
export function useNow(periodMs = 5000): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() / 1000), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

/** The state of a fetched resource. */
export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload(): void;
}

/** GETs `url` as JSON, again every `periodMs` when given; `url` undefined fetches nothing. */
export function useJson<T>(url: string | undefined, periodMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (url === undefined) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (): Promise<void> => {
      try {
        const value = await getJson<T>(url);
        if (cancelled) return;
        setData(value);
        setError(undefined);
      } catch (e) {
        if (!cancelled) setError((e as Error).message);
      } finally {
        if (!cancelled) {
          setLoading(false);
          if (periodMs) timer = setTimeout(() => void load(), periodMs);
        }
      }
    };
    setLoading(true);
    void load();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [url, periodMs, generation]);
  return { data, error, loading, reload: () => setGeneration((g) => g + 1) };
}
