// The schedd's REST API: the schemas its routes validate with and its clients read replies by.
import { Type, type Static } from '@sinclair/typebox';
import { JobIdSchema } from './protocol.js';

/** A job ad as stored and sent: attribute name → ClassAd expression text. */
export const StoredAd = Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 1_000_000 }));

/** A proc's ad over its cluster's ad (ProcOverlay): null drops a cluster attribute. */
export const StoredOverlay = Type.Record(
  Type.String({ maxLength: 200 }),
  // One schema with both types: the route's type coercion would otherwise turn null into "" (anyOf tries string first).
  Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 1_000_000 }),
);

export const ErrorReply = Type.Object({ error: Type.String() });

export const JobIdParams = Type.Object({ jobId: JobIdSchema });
export type JobIdParams = Static<typeof JobIdParams>;

export const ClusterParams = Type.Object({ clusterId: Type.Integer({ minimum: 1, maximum: 999_999_999 }) });
export type ClusterParams = Static<typeof ClusterParams>;

export const ActionBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 4000 })),
    user: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ActionBody = Static<typeof ActionBody>;

/** See ActionSummary: results of the jobs named by id and the first refusals; counts of all. */
export const ActionReply = Type.Object({
  results: Type.Array(Type.Object({ jobId: Type.String(), ok: Type.Boolean(), message: Type.String() })),
  notFound: Type.Array(Type.String()),
  done: Type.Integer(),
  refused: Type.Integer(),
});
export type ActionReply = Static<typeof ActionReply>;
