import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Post,
  Put,
  UnprocessableEntityException,
  UseFilters,
} from '@nestjs/common';
import { AiUsageExceptionFilter, AiUsageLimiter, LicenseActivationError, LicenseService } from '@liberty/license';
import { RedisLicenseBus } from '@liberty/license/redis';

@Controller('license')
export class LicenseController {
  constructor(
    private readonly license: LicenseService,
    private readonly bus: RedisLicenseBus,
  ) {}

  @Get()
  async status() {
    const { status, reason, claims } = this.license.state;
    const replicas = (await this.bus.replicas()).map(({ id, status, keyFingerprint }) => ({
      id,
      status,
      keyFingerprint,
    }));
    return {
      status,
      reason: reason ?? null,
      customer: claims?.customer ?? null,
      keyFingerprint: this.license.keyFingerprint,
      replicas,
    };
  }

  // Put your admin guard on this route. Only a key that verifies is stored; then every replica re-reads it.
  @Put()
  async activate(@Body() body: { key?: unknown }) {
    if (typeof body?.key !== 'string') throw new BadRequestException('"key" must be a string');
    try {
      await this.license.activate(body.key);
    } catch (error) {
      if (error instanceof LicenseActivationError)
        throw new UnprocessableEntityException({ code: error.code, reason: error.reason });
      throw error;
    }
    return this.status();
  }
}

@Controller('ai')
@UseFilters(AiUsageExceptionFilter) // 403 provider not licensed, 429 daily cap, 503 Redis unreachable
export class AiController {
  constructor(private readonly usage: AiUsageLimiter) {}

  @Post('messages')
  send(@Body() body: { provider?: unknown }) {
    return this.usage.consume(typeof body?.provider === 'string' ? body.provider : 'anthropic');
  }
}
