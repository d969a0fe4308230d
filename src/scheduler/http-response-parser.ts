/**
 * Splits bytes read from an HTTP/1.1 connection into whole responses, for the
 * request pipeline (http-pipeline.ts). Pure: bytes in, responses and the
 * unconsumed tail out. Bodies are framed by `Content-Length` or chunked
 * transfer coding (RFC 9112 §6); 1xx, 204 and 304 have none. A response
 * framed by the connection closing cannot be told apart from the next one on
 * a pipelined connection, so it is refused.
 */

/** One answer: status code, headers (lower-case names; repeats joined by ", "), body as UTF-8 text. */
export interface PipelinedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Malformed or unframeable response bytes; the connection cannot be used further. */
export class HttpResponseParseError extends Error {
  readonly code = 'HTTP_RESPONSE_MALFORMED';
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Parses as many complete responses as `data` holds, in order; `rest` is the
 * incomplete remainder (a view of `data`, to be prefixed to the next read).
 * Informational (1xx) responses are skipped. Throws HttpResponseParseError for
 * a bad status line, header or chunk size, or a body without length.
 */
export function parseHttpResponses(data: Buffer): { responses: PipelinedResponse[]; rest: Buffer } {
  const responses: PipelinedResponse[] = [];
  let at = 0;
  for (;;) {
    const headEnd = data.indexOf(HEADER_END, at);
    if (headEnd < 0) break;
    const lines = data.toString('latin1', at, headEnd).split('\r\n');
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!statusLine) throw new HttpResponseParseError(`bad status line ${JSON.stringify(lines[0])}`);
    const status = Number(statusLine[1]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new HttpResponseParseError(`bad header line ${JSON.stringify(line)}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const bodyStart = headEnd + HEADER_END.length;
    const body = readBody(data, bodyStart, status, headers);
    if (body === undefined) break;
    at = body.end;
    if (status >= 100 && status < 200) continue;
    responses.push({ status, headers, body: body.text });
  }
  return { responses, rest: at === 0 ? data : data.subarray(at) };
}

/** The body starting at `start`, or undefined when not all of it is here yet. */
function readBody(data: Buffer, start: number, status: number, headers: Record<string, string>): { text: string; end: number } | undefined {
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return { text: '', end: start };
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) return readChunked(data, start);
  const lengthText = headers['content-length'];
  if (lengthText === undefined) throw new HttpResponseParseError(`response ${status} has neither Content-Length nor chunked coding`);
  const length = Number(lengthText);
  if (!Number.isInteger(length) || length < 0) throw new HttpResponseParseError(`bad Content-Length ${JSON.stringify(lengthText)}`);
  if (data.length < start + length) return undefined;
  return { text: data.toString('utf8', start, start + length), end: start + length };
}

function readChunked(data: Buffer, start: number): { text: string; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const sizeText = data.toString('latin1', at, lineEnd).split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new HttpResponseParseError(`bad chunk size ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    at = lineEnd + CRLF.length;
    if (size === 0) {
      // Trailers (ignored) end with an empty line.
      const trailerEnd = data.indexOf(CRLF, at);
      if (trailerEnd < 0) return undefined;
      if (trailerEnd === at) return { text: Buffer.concat(parts).toString('utf8'), end: at + CRLF.length };
      const end = data.indexOf(HEADER_END, at);
      if (end < 0) return undefined;
      return { text: Buffer.concat(parts).toString('utf8'), end: end + HEADER_END.length };
    }
    if (data.length < at + size + CRLF.length) return undefined;
    parts.push(data.subarray(at, at + size));
    at += size + CRLF.length;
  }
}
