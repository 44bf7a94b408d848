import { Module } from '@nestjs/common';
import { AiUsageLimiter, FileKeyStore, LicenseModule } from '@liberty/license';
import { LicenseRedisModule } from '@liberty/license/redis';
import { AiController, LicenseController } from './license.controller.js';

@Module({
  imports: [
    LicenseModule.forRoot({
      audience: 'acme',
      publicKeyPath: process.env.ACME_PUBLIC_KEY_PATH,
      // The activated key, on a volume every replica mounts (or your database: a LicenseKeyStore).
      keyStore: new FileKeyStore(process.env.ACME_LICENSE_FILE ?? '/var/lib/acme/license.jwt'),
      keyFilePollIntervalMs: 0, // no polling: the bus below tells every replica to re-read it
    }),
    // The bus (an activation or re-verify on one replica reaches all), who the replicas are, and
    // the shared daily AI counter (USAGE_STORE). Closed with the app.
    LicenseRedisModule.forRoot({
      url: process.env.REDIS_URL ?? 'redis://localhost:6379',
      install: 'acme', // names this install's keys: liberty:{acme}:…
      replicaId: process.env.REPLICA_ID, // unset: host name, pid and a random suffix
    }),
  ],
  controllers: [LicenseController, AiController],
  providers: [AiUsageLimiter], // counts on Redis: one cap for all replicas
})
export class AppModule {}
