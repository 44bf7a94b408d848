import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ConnectorLicenseGuard } from './connector-license.guard.js';
import { ConnectorRegistry } from './connector.registry.js';

@Controller('api/connectors')
@UseGuards(ConnectorLicenseGuard)
export class ConnectorsController {
  constructor(private readonly connectors: ConnectorRegistry) {}

  /** One connector: 404 when unknown, 403 LICENSE_REQUIRED when licensed and locked (the guard). */
  @Get(':id')
  one(@Param('id') id: string) {
    const connector = this.connectors.get(id);
    if (!connector) throw new NotFoundException({ statusCode: 404, message: `Unknown connector "${id}"` });
    return { id: connector.id, name: connector.name, licensed: connector.licensed, state: 'active' };
  }
}
