/**
 * The JSON API, read with the signed-in token. A 401 ends the session (back to sign-in, with the reason in
 * Vietnamese); any other refusal is an ApiError carrying the API's own problem detail, in Vietnamese.
 */
import { signOut, token } from './session.js';
import { SIGN_IN } from './strings.js';

/** @typedef {import('./api-types').ProblemBody} ProblemBody */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {ProblemBody | undefined} problem
   */
  constructor(status, problem) {
    super(describeProblem(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

/**
 * @param {number} status
 * @param {ProblemBody | undefined} problem
 */
function describeProblem(status, problem) {
  const reasons = (problem?.errors ?? []).map((e) => `${e.field}: ${e.reason}`);
  return [problem?.detail ?? problem?.title ?? `HTTP ${status}`, ...reasons].join('; ');
}

/**
 * @param {string} path
 * @param {string | null} bearer
 */
async function request(path, bearer) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json', 'accept-language': 'vi' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch(path, { headers });
  const text = await response.text();
  /** @type {unknown} */
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, ok: response.ok, body };
}

/**
 * GET a path of the API with the session's token.
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
export async function get(path) {
  const answer = await request(path, token());
  if (answer.status === 401) {
    signOut(`${SIGN_IN.expired} (${describeProblem(401, /** @type {ProblemBody} */ (answer.body))})`);
    throw new ApiError(401, /** @type {ProblemBody} */ (answer.body));
  }
  if (!answer.ok) throw new ApiError(answer.status, /** @type {ProblemBody} */ (answer.body));
  return /** @type {T} */ (answer.body);
}

/**
 * Checks a token before it is kept: who it speaks for, or the API's reason for refusing it.
 * @param {string} candidate
 * @returns {Promise<import('./api-types').Me>}
 */
export async function whoAmI(candidate) {
  const answer = await request('/v1/me', candidate);
  if (!answer.ok) throw new ApiError(answer.status, /** @type {ProblemBody} */ (answer.body));
  return /** @type {import('./api-types').Me} */ (answer.body);
}
