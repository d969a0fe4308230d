/**
 * Request bodies are read as text and parsed here, so malformed JSON gets
 * Chronos's 400 ApiResult whatever the Content-Type (curl's `-d` sends
 * form-urlencoded; Chronos users rarely set a header). Pure.
 */
import { badRequest } from './errors.js';

/** Parses `text` as JSON; throws ChronosApiError(400) `Malformed JSON: <reason>` otherwise (empty body included). */
export function parseJsonBody(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') throw badRequest('Malformed JSON: no content to map due to end-of-input');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`Malformed JSON: ${(error as Error).message}`);
  }
}
