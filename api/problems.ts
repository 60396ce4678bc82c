import type { FastifyReply } from 'fastify';

/**
 * RFC 9457 problem details, the one error shape of the API. `errors` names each offending field, the value
 * received and the reason, so a client can show the user what to fix.
 */
export interface FieldProblem {
  field: string;
  value?: unknown;
  reason: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
  }
}

const TYPE_BASE = 'https://danvan.vn/problems/';

export function problem(status: number, slug: string, title: string, detail?: string, errors?: FieldProblem[]): ProblemError {
  return new ProblemError({ type: `${TYPE_BASE}${slug}`, title, status, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) });
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply
    .code(p.status)
    .type('application/problem+json')
    .send({ ...p, instance: reply.request.url });
}
