import { applyDecorators } from '@nestjs/common';
import { ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ALERT_STATES, DOC_TYPES, PRIORITIES } from '@radar/core';

/**
 * OpenAPI pieces the controllers share. Validation is zod; these hand-written schemas describe
 * what it accepts and what its errors look like.
 */

const errorBody = (status: number, error: string, extra: Record<string, SchemaObject> = {}): SchemaObject => ({
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'number', example: status },
    error: { type: 'string', example: error },
    message: { type: 'string' },
    ...extra,
  },
});

/** 400: zod lists every field problem (`field: problem`); a malformed query gives its position. */
export const BAD_REQUEST_SCHEMA: SchemaObject = {
  oneOf: [
    {
      ...errorBody(400, 'Bad Request'),
      description: 'Invalid parameters or body: one entry per problem.',
      properties: {
        statusCode: { type: 'number', example: 400 },
        error: { type: 'string', example: 'Bad Request' },
        message: { type: 'array', items: { type: 'string' }, example: ['limit: Too big: expected number to be <=100'] },
      },
    },
    {
      ...errorBody(400, 'Bad Request', {
        position: { type: 'integer', description: 'Offset in `q` where the query language error is.', example: 11 },
      }),
      description: 'A malformed query (with its position), cursor or search option.',
    },
  ],
};

export const ApiBadRequest = (description = 'Invalid input: every problem listed in `message`.') =>
  ApiResponse({ status: 400, description, schema: BAD_REQUEST_SCHEMA });

export const ApiNotFound = (description: string) =>
  ApiResponse({ status: 404, description, schema: errorBody(404, 'Not Found') });

export const ApiForbidden = (description: string) =>
  ApiResponse({ status: 403, description, schema: errorBody(403, 'Forbidden') });

export const ApiTooManyRequests = (description: string) =>
  ApiResponse({
    status: 429,
    description,
    schema: errorBody(429, 'Too Many Requests'),
    headers: {
      'Retry-After': { description: 'Seconds until a new request may succeed.', schema: { type: 'integer' } },
    },
  });

export const ApiUnavailable = (description: string) => ApiResponse({ status: 503, description });

/** A JSON object with a few documented top-level fields (the rest is open). */
export const object = (properties: Record<string, SchemaObject>, required: string[] = []): SchemaObject => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
});

const page = { limit: 'Page size, 1-100.', cursor: 'The `nextCursor` of the previous page.' };

export const ApiPaging = () =>
  applyDecorators(
    ApiQuery({ name: 'limit', required: false, type: 'integer', description: page.limit }),
    ApiQuery({ name: 'cursor', required: false, type: 'string', description: page.cursor }),
  );

/** The filters of GET /api/alerts, also the filters of every alert feed. */
export const ApiAlertFilters = () =>
  applyDecorators(
    ApiQuery({ name: 'sector', required: false, type: 'string', description: 'Sub-sector id of the taxonomy.' }),
    ApiQuery({ name: 'area', required: false, type: 'string', description: 'Focus area id.' }),
    ApiQuery({ name: 'goal', required: false, type: 'string', description: 'Advocacy goal id.' }),
    ApiQuery({ name: 'priority', required: false, enum: [...PRIORITIES] }),
    ApiQuery({ name: 'type', required: false, enum: [...DOC_TYPES], description: 'Document type.' }),
    ApiQuery({ name: 'state', required: false, enum: [...ALERT_STATES], description: 'Triage state.' }),
    ApiQuery({ name: 'agency', required: false, type: 'string', description: "An agency of the alert's document." }),
    ApiQuery({
      name: 'q',
      required: false,
      type: 'string',
      description: "Query language over the alert's document (words, phrases, fields); a malformed query is a 400.",
    }),
    ApiQuery({
      name: 'since',
      required: false,
      type: 'string',
      description: 'ISO 8601 date or date-time with offset; alerts created from then on.',
      example: '2026-11-01',
    }),
  );

/** A feed: the body is text in the given content type; invalid filters are a 400. */
export const ApiFeed = (contentType: string, description: string) => {
  const mediaType = contentType.split(';')[0];
  return applyDecorators(
    ApiProduces(mediaType),
    ApiResponse({ status: 200, description, content: { [mediaType]: { schema: { type: 'string' } } } }),
    ApiBadRequest(),
  );
};

/** An HTML page answer for people following a link from an email. */
export const ApiHtmlPage = (status: number, description: string) =>
  ApiResponse({ status, description, content: { 'text/html': { schema: { type: 'string' } } } });
