import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { AuthModule } from '../auth/auth.module.js';
import { AccessPolicy } from '../auth/access.policy.js';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { GRAPHQL_LIMITS, graphqlArmor, graphqlContext } from './graphql-access.util.js';
import { SapResolver } from './sap.resolver.js';

/**
 * `POST /graphql` (Apollo, code-first, schema built in memory), behind the app's one access
 * policy: the context authenticates each HTTP request once, before it is parsed (401 without a
 * credential, 429 when locked out, 403 from another origin with a cookie); GraphQL Armor caps
 * aliases, depth, cost, tokens and directives; introspection only with
 * `LIBERTY_GRAPHQL_INTROSPECTION=true`.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [AuthModule],
      inject: [AccessPolicy, ConfigService],
      useFactory: (policy: AccessPolicy, config: ConfigService): ApolloDriverConfig => {
        const armor = graphqlArmor();
        return {
          path: '/graphql',
          autoSchemaFile: true,
          introspection: String(config.get('LIBERTY_GRAPHQL_INTROSPECTION') ?? '').trim() === 'true',
          playground: false,
          // Errors carry no stack trace, whatever NODE_ENV says.
          includeStacktraceInErrorResponses: false,
          allowBatchedHttpRequests: false,
          // Armor's types come from Apollo's CommonJS declarations, Nest's from its ESM ones: same objects.
          plugins: armor.plugins as NonNullable<ApolloDriverConfig['plugins']>,
          validationRules: armor.validationRules,
          parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
          context: graphqlContext(policy),
        };
      },
    }),
    ConnectorsModule,
  ],
  providers: [SapResolver],
})
export class SampleGraphqlModule {}
