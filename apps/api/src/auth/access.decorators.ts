import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { ApiRole } from '@radar/core';
import { API_KEY_SCHEME } from '@radar/runtime';

/** Metadata key of a route's access rule; a route without one is admin-only (deny by default). */
export const ACCESS_RULE = 'radar:access';

export type AccessRule =
  | { kind: 'public' }
  /** `feedToken`: a signed `?token=` from `POST /api/feed-links` is accepted instead of a key. */
  | { kind: 'roles'; roles: readonly ApiRole[]; feedToken: boolean };

const unauthorized = ApiResponse({
  status: 401,
  description: 'No API key, or an unknown or revoked one (`Authorization: Bearer <key>`).',
});
const forbidden = ApiResponse({ status: 403, description: "The key's role may not use this endpoint." });

/** No key needed: subscribe, confirm, manage, unsubscribe, taxonomy, health. */
export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/** An API key of one of these roles (admin always passes). */
export const Roles = (...roles: ApiRole[]) =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'roles', roles, feedToken: false } satisfies AccessRule),
    ApiBearerAuth(API_KEY_SCHEME),
    unauthorized,
    forbidden,
  );

/** `Roles`, or a feed token signed for exactly this URL: feed readers and calendars cannot send headers. */
export const FeedRoles = (...roles: ApiRole[]) =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'roles', roles, feedToken: true } satisfies AccessRule),
    ApiBearerAuth(API_KEY_SCHEME),
    ApiQuery({
      name: 'token',
      required: false,
      description: 'Feed token from `POST /api/feed-links` (instead of an API key).',
    }),
    unauthorized,
    forbidden,
  );
