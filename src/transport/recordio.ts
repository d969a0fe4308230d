/**
 * RecordIO framing, as Mesos streams use it: each record is its payload's byte
 * length in ASCII decimal, a newline, then the payload (UTF-8 JSON here).
 * `20\n{"type":"HEARTBEAT"}` is one record. HTTP chunk boundaries are unrelated
 * to record boundaries, so the decoder buffers across chunks.
 */

/** Frames one JSON value as a RecordIO record. */
export function encodeRecord(value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  return Buffer.concat([Buffer.from(`${payload.length}\n`, 'ascii'), payload]);
}

/** Raised when the stream is not RecordIO (bad length header). Not retryable. */
export class RecordIOError extends Error {
  readonly code = 'RECORDIO_MALFORMED';
}

/** Max header digits: a uint64 has at most 20. */
const MAX_HEADER = 20;

/**
 * Incremental decoder. Feed chunks with `push`; it returns every complete record's
 * payload parsed as JSON (`parse: false` returns raw Buffers via `pushRaw`).
 * Throws RecordIOError on a malformed header or a payload that is not JSON.
 */
export class RecordIODecoder {
  private buffer: Buffer = Buffer.alloc(0);

  /** Returns the complete records in `chunk` (plus buffered bytes), decoded as JSON. */
  push(chunk: Buffer): unknown[] {
    return this.pushRaw(chunk).map((payload) => {
      try {
        return JSON.parse(payload.toString('utf8')) as unknown;
      } catch (error) {
        throw new RecordIOError(`Failed to parse record as JSON: ${(error as Error).message}`);
      }
    });
  }

  /** Returns the complete records' payloads as Buffers. */
  pushRaw(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const records: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const newline = this.buffer.indexOf(0x0a, offset);
      if (newline < 0) {
        if (this.buffer.length - offset > MAX_HEADER) throw new RecordIOError('Record length header too long');
        break;
      }
      const header = this.buffer.toString('ascii', offset, newline);
      if (!/^[0-9]+$/.test(header)) throw new RecordIOError(`Invalid record length '${header}'`);
      const length = Number(header);
      const start = newline + 1;
      if (this.buffer.length < start + length) break;
      records.push(this.buffer.subarray(start, start + length));
      offset = start + length;
    }
    this.buffer = offset === 0 ? this.buffer : this.buffer.subarray(offset);
    return records;
  }

  /** Bytes received that do not yet form a whole record. */
  get pending(): number {
    return this.buffer.length;
  }
}
