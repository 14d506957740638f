import type { Readable } from 'node:stream';
import { Type, type TSchema } from '@sinclair/typebox';

/** What fastify sends as it is, unserialized: a buffer or a stream (anything with pipe(), tar-stream's too). */
type Bytes = Buffer | { pipe(...args: never[]): unknown };

/** A reply sent as bytes of `contentType`: its schema only tells the reply's type and the OpenAPI document. */
export function bytesReply(contentType: string) {
  return { content: { [contentType]: { schema: Type.Unsafe<Bytes>({ type: 'string', format: 'binary' }) } } };
}

/** A JSON document of `schema` sent as a stream (written as it is read from the queue). */
export function streamedJson(schema: TSchema) {
  return Type.Unsafe<Readable>(schema);
}
