import { Module } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { SapResolver } from './sap.resolver.js';

/** `POST /graphql` (Apollo, code-first, schema built in memory). Same auth as the REST API. */
@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      path: '/graphql',
      autoSchemaFile: true,
      // Errors carry no stack trace, whatever NODE_ENV says.
      includeStacktraceInErrorResponses: false,
    }),
    ConnectorsModule,
  ],
  providers: [SapResolver],
})
export class SampleGraphqlModule {}
