/**
 * The fleet's own sender for one-shot agent calls (STATUS_UPDATE, PONG) to the
 * master: a few keep-alive connections with HTTP/1.1 pipelining (undici's
 * pool, through scheduler/http-pipeline.ts; the calls may repeat, so they are
 * pipelined and a call in flight behind a broken connection's first is sent again).
 *
 * Why not `http.request` (the transport's `postJson`, or an `http.Agent` of
 * our own as before): a fleet of thousands of agents sends tens of thousands
 * of updates per second, and the placement bench's simulator process spent
 * more of its busy time building ClientRequests, queueing in the agent and
 * one writev per call than simulating agents. Each call is still its own
 * HTTP request, as the agent API has it; only connections are shared.
 */
import { HttpPipeline, type PipelinedResponse } from '../scheduler/http-pipeline.js';

/**
 * Connections per master; calls are spread over them. One (as a framework's
 * acknowledgements use) saved the master a few writes per turn, but in the
 * failover bench a leader then lost its 2 s ZooKeeper session under 10,000
 * agents' registrations in 6 runs of 11, against 1 of 14 with four.
 */
const CONNECTIONS = 4;

/** Bounded-concurrency POST sender to one or more masters (one pipeline per origin). */
export class CallPool {
  private readonly pipelines = new Map<string, HttpPipeline>();
  private lastUrl = '';
  private lastTarget?: { pipeline: HttpPipeline; path: string };

  /**
   * @param maxInFlight calls on the wire at once per master, default 256 (spread over 4 connections).
   * @param timeoutMs bound of one call's wait for its answer, ms (default 30 s, as the transport's).
   */
  constructor(
    private readonly maxInFlight = 256,
    private readonly timeoutMs = 30_000,
  ) {}

  /**
   * POSTs `body` as JSON to `url` (`http://host:port/path`); resolves true on a
   * 2xx answer, false on any other status, connection error or timeout (never
   * rejects: callers retry on their own).
   */
  post(url: string, body: unknown, headers: Record<string, string>): Promise<boolean> {
    return this.postText(url, JSON.stringify(body), headers).then((response) => response !== undefined && response.status >= 200 && response.status < 300);
  }

  /**
   * POSTs `body` (JSON text) to `url` and resolves with the answer whatever its
   * status, or undefined on a connection error or timeout (never rejects).
   */
  postText(url: string, body: string, headers: Record<string, string>): Promise<PipelinedResponse | undefined> {
    const target = this.target(url);
    return target.pipeline.post(target.path, body, headers).then(
      (response) => response,
      () => undefined,
    );
  }

  /** Drops every connection; calls in flight resolve false. */
  close(): void {
    for (const pipeline of this.pipelines.values()) pipeline.close();
    this.pipelines.clear();
    this.lastTarget = undefined;
    this.lastUrl = '';
  }

  private target(url: string): { pipeline: HttpPipeline; path: string } {
    // Every call of a fleet goes to the same URL until the leader changes.
    if (url === this.lastUrl && this.lastTarget) return this.lastTarget;
    const parsed = new URL(url);
    let pipeline = this.pipelines.get(parsed.origin);
    if (!pipeline) {
      pipeline = new HttpPipeline({
        origin: parsed.origin,
        connections: CONNECTIONS,
        maxPipelined: Math.max(1, Math.ceil(this.maxInFlight / CONNECTIONS)),
        timeoutMs: this.timeoutMs,
        // An agent resends a STATUS_UPDATE until acknowledged and a PONG answers a PING: both may repeat.
        repeatable: true,
        // Not oneWritePerTurn: holding a turn's calls slowed the failover bench's reregistrations by ~7 %.
      });
      this.pipelines.set(parsed.origin, pipeline);
    }
    this.lastUrl = url;
    this.lastTarget = { pipeline, path: `${parsed.pathname}${parsed.search}` };
    return this.lastTarget;
  }
}
