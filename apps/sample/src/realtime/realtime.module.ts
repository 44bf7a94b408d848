import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { ConnectorsGateway } from './connectors.gateway.js';

/** The Socket.IO gateway (Nest's default IoAdapter, same port as HTTP). */
@Module({ imports: [ConnectorsModule], providers: [ConnectorsGateway] })
export class RealtimeModule {}
