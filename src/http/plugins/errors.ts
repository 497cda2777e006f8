// The one place where errors become HTTP answers: `{error: {code, message, details?}}`, nothing internal in 5xx.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asUnavailable } from '../../app/outages.js';
import { ChannelUnavailable, DomainError, RateLimited, Unavailable, type ErrorCode } from '../../domain/errors.js';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  channel_unavailable: 503,
  gone: 410,
  unavailable: 503,
  internal: 500,
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
};

export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string, details?: object) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message, ...(details && { details }) } });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // The database or Redis away for a moment is a 503 that says which, whatever route met it.
    const outage = asUnavailable(thrown);
    if (outage instanceof Unavailable) request.log.warn({ err: thrown }, 'request refused: a service is not reachable');
    const error: FastifyError | DomainError = outage instanceof Unavailable ? outage : thrown;
    if (error instanceof DomainError) {
      const status = error instanceof ChannelUnavailable && error.retryAfterSeconds ? 429 : STATUS_BY_CODE[error.code];
      const retryAfter = retryAfterOf(error);
      if (retryAfter) reply.header('retry-after', String(retryAfter));
      return sendError(reply, status, status === 429 ? 'rate_limited' : error.code, error.message, error.details);
    }
    if (error.validation) {
      const errors = explainValidation(error.validationContext ?? 'request', error.validation);
      const first = errors[0];
      const message = first ? `${first.field}: ${first.message}` : 'request is not valid';
      return sendError(reply, 400, 'invalid', message, { errors });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, status, CODE_BY_STATUS[status] ?? 'invalid', clientMessage(error));
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal', 'internal error; it has been logged', { request_id: request.id });
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no such endpoint: ${request.method} ${request.url.split('?')[0]}`),
  );
}

function retryAfterOf(error: DomainError): number | undefined {
  const waits = error instanceof RateLimited || error instanceof ChannelUnavailable || error instanceof Unavailable;
  return waits ? error.retryAfterSeconds : undefined;
}

interface ValidationIssue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

/** Validator output → `[{field: 'body.username', message}]`, one entry per problem, so a client can point at it. */
function explainValidation(context: string, issues: ValidationIssue[]): { field: string; message: string }[] {
  const field = (path: string) => `${context}${path.replaceAll('/', '.')}`;
  const names = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return withoutUnionBranches(issues).flatMap((issue) => {
    switch (issue.keyword) {
      case 'required':
        return names(issue.params.requiredProperties ?? [issue.params.missingProperty]).map((name) => ({
          field: field(`${issue.instancePath}/${name}`),
          message: 'is required',
        }));
      case 'additionalProperties':
        return names(issue.params.additionalProperties).map((name) => ({
          field: field(`${issue.instancePath}/${name}`),
          message: 'is not an accepted field',
        }));
      case 'boolean':
        return []; // TypeBox's echo of an additionalProperties failure, reported above
      case 'enum':
        return [{ field: field(issue.instancePath), message: `must be one of: ${names(issue.params.allowedValues).join(', ')}` }];
      case 'anyOf':
        return [{ field: field(issue.instancePath), message: unionMessage(issue, issues) }];
      default:
        return [{ field: field(issue.instancePath), message: issue.message ?? 'is not valid' }];
    }
  });
}

/** A value that matches no branch of `integer | null` is one problem: the branches' own complaints are folded into it. */
function withoutUnionBranches(issues: ValidationIssue[]): ValidationIssue[] {
  const unions = issues.filter((issue) => issue.keyword === 'anyOf').map((issue) => `${issue.schemaPath}/anyOf/`);
  return issues.filter((issue) => !unions.some((prefix) => issue.schemaPath.startsWith(prefix)));
}

function unionMessage(union: ValidationIssue, issues: ValidationIssue[]): string {
  const prefix = `${union.schemaPath}/anyOf/`;
  const branches = issues
    .filter((issue) => issue.schemaPath.startsWith(prefix) && !issue.schemaPath.slice(prefix.length).includes('/anyOf/'))
    .map((issue) => (issue.keyword === 'enum' ? `one of: ${(issue.params.allowedValues as unknown[]).join(', ')}` : issue.message ?? ''))
    .map((message) => message.replace(/^must be /, ''))
    .filter((message, i, all) => message && all.indexOf(message) === i);
  return branches.length > 0 ? `must be ${branches.join(' or ')}` : 'is not valid';
}

/** Fastify's own 4xx (bad JSON, body too large, wrong content type) in plain words. */
function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is not valid JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type; send application/json';
    default:
      return error.message;
  }
}
