import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { defaultTaxonomy, Feedback, FEEDBACK_KINDS } from '@radar/core';
import { SearchIndex } from '@radar/search';
import { z } from 'zod';
import { ApiBadRequest, ApiNotFound, object } from './ops/openapi.decorators';
import { validate } from './validation';
import { Roles } from './auth/access.decorators';

const subSectorIds = new Set(defaultTaxonomy().subSectors.map((s) => s.id));

const feedbackBody = z.object({
  kind: z.enum(FEEDBACK_KINDS),
  label: z.string().refine((id) => subSectorIds.has(id), { message: 'must be a sub-sector id of the taxonomy' }),
  note: z.string().trim().max(2000).optional(),
  by: z.string().trim().min(1).max(200).optional(),
});

const feedbackQuery = z.object({
  documentId: z.string().max(100).optional(),
  label: z.string().max(100).optional(),
});

/** "Wrong tag" and "missing tag" reports from readers; `radar eval --feedback` scores the classifier on them. */
@ApiTags('feedback')
@Controller('api')
export class FeedbackController {
  constructor(private readonly index: SearchIndex) {}

  @Post('documents/:id/feedback')
  @Roles('analyst', 'policy')
  @HttpCode(201)
  @ApiOperation({ summary: 'Report a wrong or missing tag on a document' })
  @ApiParam({ name: 'id', description: 'Document id.' })
  @ApiBody({
    schema: object(
      {
        kind: { type: 'string', enum: [...FEEDBACK_KINDS] },
        label: { type: 'string', description: 'Sub-sector id of the taxonomy.' },
        note: { type: 'string', maxLength: 2000 },
        by: { type: 'string', maxLength: 200 },
      },
      ['kind', 'label'],
    ),
  })
  @ApiCreatedResponse({ description: 'The recorded feedback.', schema: { type: 'object' } })
  @ApiBadRequest()
  @ApiNotFound('No document with this id.')
  async record(@Param('id') id: string, @Body() body: unknown): Promise<Feedback> {
    const input = validate(feedbackBody, body ?? {});
    if (!(await this.index.getDocument(id))) throw new NotFoundException(`no document with id ${id}`);
    const feedback: Feedback = { id: randomUUID(), documentId: id, ...input, createdAt: new Date().toISOString() };
    await this.index.recordFeedback(feedback);
    return feedback;
  }

  @Get('feedback')
  @Roles('analyst', 'policy')
  @ApiOperation({ summary: 'Recorded feedback', description: '`radar eval --feedback` scores the classifier on it.' })
  @ApiQuery({ name: 'documentId', required: false, type: 'string' })
  @ApiQuery({ name: 'label', required: false, type: 'string', description: 'Sub-sector id.' })
  @ApiOkResponse({ schema: object({ feedback: { type: 'array', items: { type: 'object' } } }, ['feedback']) })
  @ApiBadRequest()
  async list(@Query() raw: unknown): Promise<{ feedback: Feedback[] }> {
    return { feedback: await this.index.listFeedback(validate(feedbackQuery, raw)) };
  }
}
