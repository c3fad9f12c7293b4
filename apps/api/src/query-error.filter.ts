import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { QuerySyntaxError } from '@radar/core';
import type { Response } from 'express';

/** A malformed query is the client's mistake: 400 with the position of the error. */
@Catch(QuerySyntaxError)
export class QuerySyntaxErrorFilter implements ExceptionFilter {
  catch(error: QuerySyntaxError, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(400)
      .json({ statusCode: 400, error: 'Bad Request', message: error.message, position: error.position });
  }
}
