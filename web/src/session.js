// The signed-in session: the API token and what the UI learned about the tenant. Kept in
// sessionStorage only (it ends with the tab), never in a URL, a cookie or a log.
const KEY = 'narralytica.session';

export function loadSession() {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}
