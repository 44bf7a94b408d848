import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { LicenseModule, LicenseService } from '@liberty/license';

@Controller()
class HealthController {
  constructor(private readonly license: LicenseService) {}
  @Get('health') health() {
    return { status: 'ok', license: this.license.state.status };
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    LicenseModule.forRoot({ audience: 'liberty', publicKeyPath: process.env.LIBERTY_PUBLIC_KEY_PATH }),
  ],
  controllers: [HealthController],
})
class AppModule {}

const app = await NestFactory.create(AppModule);
await app.listen(Number(process.env.PORT ?? 3000));
