/**
 * Is the master that served this page the leader? Read off its answer to
 * `/master/state` (reference §8.2): a leader answers 200; a non-leading master
 * answers 307 with `Location: //<leader>/master/state` when it knows the
 * leader, 503 "No leader elected" when none is known. The browser fetches with
 * `redirect: 'manual'`, so a 307 arrives as an opaque redirect (status 0,
 * type 'opaqueredirect') whose Location it may not read: the leader's address
 * then comes from the leader's own state, loaded as JSONP (a script may follow
 * the redirect where fetch may not), and failing that the user follows
 * `/master/redirect`, which the browser's navigation resolves. Pure.
 */
import type { LeaderInfo } from './state-types.js';

/** What the UI knows about leadership after one poll. */
export type Leadership =
  | { kind: 'leader' }
  /** Not the leader; `leaderUrl` when known (e.g. `http://10.0.0.2:5050/`), else follow `/master/redirect`. */
  | { kind: 'follower'; leaderUrl?: string }
  /** Not the leader and no leader elected (503). */
  | { kind: 'no-leader'; message: string }
  /** The master did not answer, or answered an error: `message` says what. */
  | { kind: 'unreachable'; message: string };

/** The parts of a fetch `Response` (or a failure) the decision needs. */
export interface PollOutcome {
  /** HTTP status; 0 for an opaque redirect or a network failure. */
  status: number;
  /** `Response.type`; 'opaqueredirect' for a 3xx under `redirect: 'manual'`. */
  type?: string;
  /** `Location`, when readable (non-browser clients, same-origin tests). */
  location?: string | null;
  /** Response body text for errors (503's "No leader elected"). */
  body?: string;
  /** The error a failed fetch threw. */
  error?: string;
}

/**
 * Leadership from one `/master/state` poll. `pageProtocol` ('http:' or
 * 'https:') completes a scheme-relative Location such as `//host:5050/master/state`.
 */
export function leadershipOf(outcome: PollOutcome, pageProtocol = 'http:'): Leadership {
  if (outcome.error !== undefined) return { kind: 'unreachable', message: outcome.error };
  if (outcome.status >= 200 && outcome.status < 300) return { kind: 'leader' };
  if (outcome.type === 'opaqueredirect' || (outcome.status >= 300 && outcome.status < 400)) {
    const leaderUrl = outcome.location ? leaderRoot(outcome.location, pageProtocol) : undefined;
    return leaderUrl ? { kind: 'follower', leaderUrl } : { kind: 'follower' };
  }
  if (outcome.status === 503) return { kind: 'no-leader', message: (outcome.body ?? '').trim() || 'No leader elected' };
  return { kind: 'unreachable', message: `HTTP ${outcome.status}${outcome.body ? `: ${outcome.body.trim().slice(0, 200)}` : ''}` };
}

/**
 * The leader's UI root from a redirect target: `//10.0.0.2:5050/master/state`
 * → `http://10.0.0.2:5050/`. Undefined for anything that is not a URL.
 */
export function leaderRoot(location: string, pageProtocol = 'http:'): string | undefined {
  const absolute = location.startsWith('//') ? `${pageProtocol}${location}` : location;
  try {
    const url = new URL(absolute);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.protocol}//${url.host}/`;
  } catch {
    return undefined;
  }
}

/**
 * The leader's UI root from its `leader_info` (hostname and port; the
 * `address` form of newer masters preferred when present).
 */
export function leaderUrlFromInfo(info: LeaderInfo | undefined, pageProtocol = 'http:'): string | undefined {
  const host = info?.address?.hostname || info?.address?.ip || info?.hostname;
  const port = info?.address?.port ?? info?.port;
  if (!host || !port) return undefined;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${pageProtocol}//${bracketed}:${port}/`;
}

/** The one-line message of the banner for `leadership`, or undefined when none is needed. */
export function leadershipBanner(leadership: Leadership): string | undefined {
  switch (leadership.kind) {
    case 'leader':
      return undefined;
    case 'follower':
      return leadership.leaderUrl
        ? `This master is not the leader. The leading master is at ${leadership.leaderUrl}`
        : 'This master is not the leader.';
    case 'no-leader':
      return `This master is not the leader, and no leader is elected yet (${leadership.message}). Retrying…`;
    case 'unreachable':
      return `Cannot reach the master: ${leadership.message}. Retrying…`;
  }
}
