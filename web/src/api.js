// The /v1 API as the UI calls it: the bearer token from the session, JSON in and out, and RFC 9457
// problem documents turned into ApiError (status, code, detail, field) so pages can say what and
// where. Nothing here logs a request or its token.
import { loadSession } from './session.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || '';
    this.field = problem.field || '';
    this.detail = problem.detail || '';
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { detail: `${response.status} ${response.statusText}` };
  }
}

// fetch with the session's token. `raw` returns the Response (exports, text bodies).
export async function request(method, path, { json, body, headers = {}, raw = false, token } = {}) {
  const session = loadSession();
  // token: undefined uses the session's; null sends none (login).
  const bearer = token === undefined ? session && session.token : token;
  const h = { Accept: 'application/json', ...headers };
  if (bearer) h.Authorization = `Bearer ${bearer}`;
  let payload = body;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  }
  const response = await fetch(path, { method, headers: h, body: payload, cache: 'no-store' });
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401 && token === undefined) onUnauthorized();
    throw new ApiError(response.status, problem);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, json, options = {}) => request('POST', path, { ...options, json });
export const patch = (path, json, options = {}) => request('PATCH', path, { ...options, json });
export const del = (path, options) => request('DELETE', path, options);

// Every page of a keyset-paginated list, up to `max` items.
export async function getAll(path, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

// Uploads with progress (fetch has no upload progress): XMLHttpRequest, same error shape.
export function upload(method, path, file, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    const session = loadSession();
    if (session) xhr.setRequestHeader('Authorization', `Bearer ${session.token}`);
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let parsed = {};
      try {
        parsed = JSON.parse(xhr.responseText || '{}');
      } catch {
        parsed = { detail: xhr.responseText };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, body: parsed });
      else reject(new ApiError(xhr.status, parsed));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: 'the server could not be reached' }));
    xhr.send(file);
  });
}
