import { Module } from '@nestjs/common';
import { LicenseModule } from '@liberty/license';
import { PikaController } from './pika.controller.js';

@Module({
  imports: [
    LicenseModule.forRoot({
      // No key here: the hub's status endpoint is asked at startup (waiting at most 5 s), then every
      // refreshSeconds (default 1 h). Its answer is cached: kept while the hub is down, up to
      // maxStaleSeconds (72 h) and never past its own expiry. A hub source is soft by default.
      hub: {
        url: process.env.HUB_STATUS_URL ?? 'http://localhost:3000/api/license/status',
        token: '${HUB_TOKEN}', // the variable's NAME: a hub user holding only license:read
      },
    }),
  ],
  controllers: [PikaController],
})
export class AppModule {}
