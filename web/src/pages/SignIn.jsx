// Sign in with e-mail and password (POST /v1/auth/login) or with a pasted API token. A person in
// several tenants is asked which one after the password was accepted (the login answers the list
// and no token; the form then asks again with the tenant chosen, the password held only in this
// component's memory meanwhile). Either way the token is checked against GET /v1/tenant, and
// GET /v1/audit tells whether the caller may see the admin pages (owners and admins hold
// read:audit). sessionFor is also what the header's tenant switch calls with its new token.
import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.js';

export async function sessionFor(token, email, { canSwitch = false } = {}) {
  const tenant = await get('/v1/tenant', { token });
  let admin = false;
  try {
    await get('/v1/audit?limit=1', { token });
    admin = true;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 403) throw e;
  }
  // A login session may move between the user's tenants; a pasted token stays in its own.
  let tenants = [];
  if (canSwitch) tenants = (await get('/v1/me/tenants', { token })).items;
  return { token, tenant, email: email || '', admin, tenants };
}

function TenantChooser({ tenants, busy, onChoose, onCancel }) {
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        onChoose(new FormData(e.target).get('tenant'));
      }}
    >
      <fieldset class="choices">
        <legend>Choose a tenant</legend>
        {tenants.map((t, i) => (
          <label class="check" key={t.id}>
            <input type="radio" name="tenant" value={t.slug} defaultChecked={i === 0} />
            <span>
              <strong>{t.name || t.slug}</strong> <span class="hint">({t.slug}, {t.roles.join(', ')})</span>
            </span>
          </label>
        ))}
      </fieldset>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Continue'}
      </button>
      <button type="button" class="link" onClick={onCancel}>
        Use another account
      </button>
    </form>
  );
}

export function SignIn({ onSignedIn }) {
  const [mode, setMode] = useState('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [choices, setChoices] = useState(null);  // the user's tenants, when there are several
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function attempt(work) {
    setBusy(true);
    setError('');
    try {
      await work();
    } catch (e) {
      setError(e.status === 401 ? (mode === 'password' ? 'Wrong e-mail or password.' : 'This token is not valid.') : e.message);
    } finally {
      setBusy(false);
    }
  }

  async function login(tenant) {
    const answer = await post('/v1/auth/login', tenant ? { email, password, tenant } : { email, password }, { token: null });
    if (!answer.token) {
      setChoices(answer.tenants);
      return;
    }
    setPassword('');
    onSignedIn(await sessionFor(answer.token, email, { canSwitch: true }));
  }

  function submit(event) {
    event.preventDefault();
    attempt(() => (mode === 'password' ? login(null) : sessionFor(token.trim(), '').then(onSignedIn)));
  }

  return (
    <main id="main" class="signin">
      <h1>Sign in to Narralytica</h1>
      {choices ? (
        <>
          <p>{email} belongs to several tenants.</p>
          <TenantChooser
            tenants={choices}
            busy={busy}
            onChoose={(slug) => attempt(() => login(slug))}
            onCancel={() => {
              setChoices(null);
              setPassword('');
            }}
          />
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
        </>
      ) : (
        <>
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
            <p class="hint">
              The session lasts until you sign out or close this tab. If you belong to several tenants you choose one next, and can switch in the header.
            </p>
          </form>
        </>
      )}
    </main>
  );
}
