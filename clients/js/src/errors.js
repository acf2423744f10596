// The one error type the client rejects with: carries the server's error `code` (docs/protocol.md,
// Errors) and, for HTTP, the status.

export class HeraldError extends Error {
  constructor(code, message, { status } = {}) {
    super(message);
    this.name = 'HeraldError';
    this.code = code;
    if (status !== undefined) this.status = status;
  }
}

/** A HeraldError from an HTTP error response (JSON body `{"error":{code,message}}` when herald sent it). */
export async function errorFromResponse(response) {
  let code = `http_${response.status}`;
  let message = `HTTP ${response.status}`;
  try {
    const body = await response.json();
    if (body?.error?.code) {
      code = body.error.code;
      message = body.error.message ?? message;
    }
  } catch {
    /* not JSON: keep the status */
  }
  return new HeraldError(code, `herald: ${message}`, { status: response.status });
}

/** Codes that refuse one channel to this client: retrying cannot help, the subscription ends. */
export const CHANNEL_REFUSALS = new Set(['token_required', 'forbidden_channel', 'invalid_channel']);
