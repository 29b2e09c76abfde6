// Sign in with e-mail, password and tenant (POST /v1/auth/login) or with a pasted API token. Either
// way the token is checked against GET /v1/tenant, and GET /v1/audit tells whether the caller may
// see the admin pages (owners and admins hold read:audit).
import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.js';

const LAST_TENANT = 'narralytica.lastTenant';  // a slug, not a secret: kept across tabs for convenience

async function sessionFor(token, email) {
  const tenant = await get('/v1/tenant', { token });
  let admin = false;
  try {
    await get('/v1/audit?limit=1', { token });
    admin = true;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 403) throw e;
  }
  return { token, tenant, email: email || '', admin };
}

export function SignIn({ onSignedIn }) {
  const [mode, setMode] = useState('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tenant, setTenant] = useState(localStorage.getItem(LAST_TENANT) || '');
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      if (mode === 'password') {
        const answer = await post('/v1/auth/login', { email, password, tenant }, { token: null });
        localStorage.setItem(LAST_TENANT, tenant);
        onSignedIn(await sessionFor(answer.token, email));
      } else {
        onSignedIn(await sessionFor(token.trim(), ''));
      }
    } catch (e) {
      setError(e.status === 401 ? (mode === 'password' ? 'Wrong e-mail, password or tenant.' : 'This token is not valid.') : e.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="signin">
      <h1>Sign in to Narralytica</h1>
      <div role="tablist" aria-label="How to sign in" class="tabs">
        <button type="button" role="tab" aria-selected={mode === 'password'} onClick={() => setMode('password')}>
          E-mail and password
        </button>
        <button type="button" role="tab" aria-selected={mode === 'token'} onClick={() => setMode('token')}>
          API token
        </button>
      </div>
      <form onSubmit={submit} class="card">
        {mode === 'password' ? (
          <>
            <label>
              E-mail
              <input type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.target.value)} />
            </label>
            <label>
              Password
              <input type="password" name="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.target.value)} />
            </label>
            <label>
              Tenant
              <input name="tenant" required placeholder="slug, e.g. demo" value={tenant} onInput={(e) => setTenant(e.target.value)} />
            </label>
          </>
        ) : (
          <label>
            API token
            <input type="password" name="token" autoComplete="off" required placeholder="nla_…" value={token} onInput={(e) => setToken(e.target.value)} />
          </label>
        )}
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="hint">The session lasts until you sign out or close this tab. To work in another tenant, sign out and sign in with its slug.</p>
      </form>
    </main>
  );
}
