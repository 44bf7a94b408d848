import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Database, databaseSettings } from './database.service.js';

/** The app's `Database` (SQLite or PostgreSQL), migrated before any other provider uses it. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: { dataDir?: string } = {}): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: Database,
          inject: [ConfigService],
          useFactory: (config: ConfigService) =>
            Database.open(
              databaseSettings(
                {
                  DATABASE_URL: config.get<string>('DATABASE_URL'),
                  LIBERTY_DATA_DIR: config.get<string>('LIBERTY_DATA_DIR'),
                },
                options.dataDir,
              ),
            ),
        },
      ],
      exports: [Database],
    };
  }
}
