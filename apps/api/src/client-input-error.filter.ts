import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { QuerySyntaxError } from '@radar/core';
import { InvalidCursorError, InvalidSearchRequestError } from '@radar/search';
import type { Response } from 'express';

/** A malformed query, cursor or search option (an unknown time zone) is the client's mistake: 400 (with the position of a query error). */
@Catch(QuerySyntaxError, InvalidCursorError, InvalidSearchRequestError)
export class ClientInputErrorFilter implements ExceptionFilter {
  catch(error: QuerySyntaxError | InvalidCursorError | InvalidSearchRequestError, host: ArgumentsHost): void {
    const position = error instanceof QuerySyntaxError ? error.position : undefined;
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(400)
      .json({ statusCode: 400, error: 'Bad Request', message: error.message, position });
  }
}
