/**
 * The ways a call to the schedd fails, as plain classes: each caller decides what they mean to it (the CLI
 * words them for its user, the startd retries some). No dependencies, so a command's error printer can
 * tell them apart without loading the client.
 */

/** The schedd answered with a status outside 2xx. */
export class ScheddRefused extends Error {
  constructor(
    /** `METHOD /path`, without the query. */
    readonly route: string,
    readonly status: number,
    /** The schedd's reason: the `error` (else `message`) of a JSON body; undefined when the body holds none. */
    readonly reason: string | undefined,
    /** The body as it came. */
    readonly body: string,
  ) {
    super(reason ?? `HTTP ${status}${body ? `: ${body.slice(0, 500)}` : ''}`);
    this.name = 'ScheddRefused';
  }
}

/** No answer: no connection, or it broke before the reply (the request may have been carried out). */
export class ScheddUnreachable extends Error {
  /** The system's error code (ECONNREFUSED, ECONNRESET, …) when there is one. */
  readonly code: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly cause: NodeJS.ErrnoException,
  ) {
    super(cause.message);
    this.name = 'ScheddUnreachable';
    this.code = cause.code;
  }
}

/** ScheddReplyInvalid's problem for a body that does not parse. */
export const NOT_JSON = 'not JSON';

/** A 2xx reply that is not what its route's schema says (or not JSON at all): a schedd of another version, or not a schedd. */
export class ScheddReplyInvalid extends Error {
  constructor(
    readonly route: string,
    readonly status: number,
    /** What is wrong: `/field message`, or that the body is not JSON. */
    readonly problem: string,
  ) {
    super(`the schedd's reply to ${route} is invalid: ${problem}`);
    this.name = 'ScheddReplyInvalid';
  }
}
