import { UseGuards } from '@nestjs/common';
import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { LicenseService, RequiresLicense } from '@liberty/license';
import { ConnectorLicenseGuard } from '../connectors/connector-license.guard.js';
import { SAP_TABLES } from '../connectors/licensed-connectors.controller.js';

@ObjectType({ description: 'A table of the SAP connector' })
export class SapTable {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;
}

/**
 * Code-first GraphQL. `sapTables` is licensed like `GET /api/connectors/sap/tables`: locked, it
 * answers an error with `extensions.code: 'LICENSE_REQUIRED'`. `licenseStatus` is open.
 */
@Resolver()
@UseGuards(ConnectorLicenseGuard)
export class SapResolver {
  constructor(private readonly license: LicenseService) {}

  @Query(() => [SapTable], { description: 'Requires license connector:sap' })
  @RequiresLicense('connector:sap')
  sapTables(): SapTable[] {
    return SAP_TABLES.map((table) => ({ ...table }));
  }

  @Query(() => String, { description: 'accepted, rejected or not-configured' })
  licenseStatus(): string {
    return this.license.state.status;
  }
}
