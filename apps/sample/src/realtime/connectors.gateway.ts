import { UseGuards } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { RequiresLicense } from '@liberty/license';
import { ConnectorLicenseGuard } from '../connectors/connector-license.guard.js';
import { SAP_TABLES } from '../connectors/licensed-connectors.controller.js';

/**
 * Socket.IO on the HTTP port (path `/socket.io`). Clients authenticate with
 * `io(url, { auth: { token } })`. `connectors.sap.tables` is licensed: locked, the client's
 * `exception` event carries the `LICENSE_REQUIRED` body; granted, the acknowledgement carries the
 * tables.
 */
@WebSocketGateway()
@UseGuards(ConnectorLicenseGuard)
export class ConnectorsGateway {
  @SubscribeMessage('connectors.sap.tables')
  @RequiresLicense('connector:sap')
  sapTables() {
    return SAP_TABLES.map((table) => ({ ...table }));
  }
}
