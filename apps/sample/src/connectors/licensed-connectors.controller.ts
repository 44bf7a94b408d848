import { Controller, Get, UseGuards } from '@nestjs/common';
import { RequiresLicense } from '@liberty/license';
import { ConnectorLicenseGuard } from './connector-license.guard.js';

/** Demo data of the SAP connector, shared by its REST route, GraphQL query and WebSocket message. */
export const SAP_TABLES: ReadonlyArray<{ readonly name: string; readonly description: string }> = Object.freeze([
  Object.freeze({ name: 'MARA', description: 'General material data' }),
  Object.freeze({ name: 'KNA1', description: 'Customer master' }),
]);

// The connectors' own routes (demo data). Each is gated by @RequiresLicense and the guard; while a
// connector is defined with `licensed = false` (postgres, rest by default) its routes are open.

@Controller('api/connectors/sap')
@UseGuards(ConnectorLicenseGuard)
@RequiresLicense('connector:sap')
export class SapController {
  @Get('tables')
  tables() {
    return SAP_TABLES.map((table) => ({ ...table }));
  }
}

@Controller('api/connectors/snowflake')
@UseGuards(ConnectorLicenseGuard)
@RequiresLicense('connector:snowflake')
export class SnowflakeController {
  @Get('warehouses')
  warehouses() {
    return [{ name: 'COMPUTE_WH', size: 'X-Small' }];
  }
}

@Controller('api/connectors/jdedwards')
@UseGuards(ConnectorLicenseGuard)
@RequiresLicense('connector:jdedwards')
export class JdEdwardsController {
  @Get('business-units')
  businessUnits() {
    return [
      { id: '1', name: 'Corporate' },
      { id: '30', name: 'Distribution' },
    ];
  }
}

@Controller('api/connectors/postgres')
@UseGuards(ConnectorLicenseGuard)
@RequiresLicense('connector:postgres')
export class PostgresController {
  @Get('schemas')
  schemas() {
    return [{ name: 'public' }];
  }
}
