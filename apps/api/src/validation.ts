import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Validates request input; every problem is listed in one 400. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new BadRequestException(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
}
