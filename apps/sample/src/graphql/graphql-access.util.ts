import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import { AccessDenied, type AccessPolicy, type PolicyRequest } from '../auth/access.policy.js';
import { DATABASE_UNAVAILABLE_BODY, isDatabaseUnavailable } from '../database/database-availability.service.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.interface.js';

/**
 * The limits of one GraphQL document (GraphQL Armor, checked at validation, before execution).
 * The sample's schema is two fields deep; these leave room for real clients and stop the review's
 * 96 KB request of thousands of aliases (4.9 MB of answer) at its first validation rule.
 */
export const GRAPHQL_LIMITS = {
  maxAliases: 10,
  maxDepth: 8,
  maxCost: 1_000,
  maxTokens: 1_000,
  maxDirectives: 10,
} as const;

export function graphqlArmor() {
  return new ApolloArmor({
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost },
    // Tokens are counted by graphql-js's own parser (Apollo's `parseOptions.maxTokens`): Armor's
    // token plugin throws where Apollo answers 500, the parser's limit is a plain 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}

/**
 * Apollo's context function: runs once per HTTP request, before the document is parsed. It applies
 * `AccessPolicy` — the origin check when a session cookie rides along, then authentication (a
 * wrong token counts once for the request, however many aliases it has) — and leaves the user on
 * `req.user`, where `AuthGuard` finds it for each resolver. A refusal is an HTTP error (401, 403,
 * 429 with `Retry-After`) with REST's `code` (401: GraphQL's `UNAUTHENTICATED`), and nothing is executed.
 */
export function graphqlContext(policy: AccessPolicy) {
  return async ({ req, res }: { req: PolicyRequest & { user?: AuthenticatedUser }; res: unknown }) => {
    try {
      if (policy.carriesSession(req)) policy.checkOrigin(req);
      req.user = await policy.authenticate(req);
    } catch (error) {
      // The user could not be read (a database outage): GraphQL's answer of the REST 503, never a 500.
      if (isDatabaseUnavailable(error)) {
        const { message, code } = DATABASE_UNAVAILABLE_BODY;
        throw new GraphQLError(message, { extensions: { code, http: { status: 503 } } });
      }
      if (!(error instanceof AccessDenied)) throw error;
      const headers = new Map<string, string>();
      if (error.retryAfterSeconds !== undefined) headers.set('retry-after', String(error.retryAfterSeconds));
      // 401 keeps GraphQL's conventional code (Apollo clients know UNAUTHENTICATED); the rest are REST's.
      const code = error.status === 401 ? 'UNAUTHENTICATED' : error.body.code;
      throw new GraphQLError(error.body.message, { extensions: { code, http: { status: error.status, headers } } });
    }
    return { req, res };
  };
}
