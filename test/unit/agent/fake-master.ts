/**
 * Plays the master's side of the agent channel (src/mesos/agent-protocol.ts)
 * for agent tests: answers REGISTER/REREGISTER with a RecordIO stream starting
 * with REGISTERED/REREGISTERED, records every other call, and lets the test
 * push events, drop the stream, or stop acknowledging.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentCall, AgentEvent } from '../../../src/mesos/agent-protocol.js';
import { encodeRecord } from '../../../src/transport/recordio.js';

export interface RecordedCall {
  call: AgentCall;
  streamId: string | undefined;
  at: number;
}

export class FakeMaster {
  readonly calls: RecordedCall[] = [];
  readonly registrations: AgentCall[] = [];
  private server: http.Server;
  private stream: http.ServerResponse | undefined;
  private streamCount = 0;
  /** Current stream id (the one the agent must send back). */
  streamId = '';
  agentId = 'master-1-S0';
  pingIntervalSeconds = 15;

  constructor() {
    this.server = http.createServer((request, response) => this.handle(request, response));
  }

  /** Listens on 127.0.0.1 (`port` 0 = any free port); returns the port. */
  async start(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sends an event on the agent's current stream. */
  send(event: AgentEvent): void {
    if (!this.stream) throw new Error('no agent stream');
    this.stream.write(encodeRecord(event));
  }

  /** Ends the agent's stream, as a master failover or network cut would. */
  dropStream(): void {
    this.stream?.socket?.destroy();
    this.stream = undefined;
  }

  get connected(): boolean {
    return this.stream !== undefined;
  }

  callsOf<T extends AgentCall['type']>(type: T): Array<Extract<AgentCall, { type: T }>> {
    return this.calls.filter((c) => c.call.type === type).map((c) => c.call as Extract<AgentCall, { type: T }>);
  }

  async stop(): Promise<void> {
    this.dropStream();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AgentCall;
      if (call.type === 'REGISTER' || call.type === 'REREGISTER') {
        this.registrations.push(call);
        this.stream?.socket?.destroy();
        this.streamId = `stream-${++this.streamCount}`;
        response.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': this.streamId });
        response.flushHeaders();
        this.stream = response;
        response.on('close', () => {
          if (this.stream === response) this.stream = undefined;
        });
        const body = { agent_id: { value: this.agentId }, master_id: 'master-1', ping_interval_seconds: this.pingIntervalSeconds };
        this.send(call.type === 'REGISTER' ? { type: 'REGISTERED', registered: body } : { type: 'REREGISTERED', reregistered: body });
        return;
      }
      const header = request.headers['mesos-stream-id'];
      this.calls.push({ call, streamId: Array.isArray(header) ? header[0] : header, at: Date.now() });
      response.writeHead(202).end();
    });
  }
}

/** Polls `predicate` every 10 ms until it holds; fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, predicate: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
