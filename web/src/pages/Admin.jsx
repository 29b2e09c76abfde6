// Administration for owners and admins: members and their roles, API tokens (a new secret is shown
// once), the audit log, the job queue with retry and cancel, and how far each pipeline lags the
// tenant's changes. Each tab reads its own /v1 route;
// a refusal (403) is shown as such rather than hidden, since roles can be customised.
import { useEffect, useState } from 'preact/hooks';
import { del, get, patch, post } from '../api.js';
import { date } from '../format.js';
import { TableHead } from '../components/TableHead.jsx';

const TABS = [
  ['/admin', 'Members'],
  ['/admin/tokens', 'API tokens'],
  ['/admin/audit', 'Audit log'],
  ['/admin/jobs', 'Jobs'],
  ['/admin/pipelines', 'Pipelines'],
];

function useLoad(path, deps = []) {
  const [state, setState] = useState({ data: null, error: '' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    get(path)
      .then((data) => live && setState({ data, error: '' }))
      .catch((e) => live && setState({ data: null, error: e.message }));
    return () => {
      live = false;
    };
  }, [path, tick, ...deps]);
  return [state, () => setTick((t) => t + 1)];
}

function Problem({ text }) {
  return text ? (
    <p class="error" role="alert">
      {text}
    </p>
  ) : null;
}

function Members() {
  const [members, reload] = useLoad('/v1/members');
  const [roles] = useLoad('/v1/roles');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('viewer');
  const [error, setError] = useState('');
  const act = (promise) => promise.then(() => (setError(''), reload())).catch((e) => setError(e.message));
  const roleNames = roles.data ? roles.data.items.map((r) => r.name) : [];
  return (
    <>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          act(post('/v1/members', { email, role }));
        }}
      >
        <label>
          E-mail of an existing user
          <input type="email" required value={email} onInput={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            {roleNames.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit">Add member</button>
      </form>
      <Problem text={error || members.error} />
      <table>
        <TableHead caption="Members" columns={['E-mail', 'Role', 'Status', 'Actions']} />
        <tbody>
          {members.data &&
            members.data.items.map((m) => (
              <tr key={m.id}>
                <td>{m.email}</td>
                <td>
                  <select aria-label={`Role of ${m.email}`} value={m.role} onChange={(e) => act(patch(`/v1/members/${m.id}`, { role: e.target.value }))}>
                    {roleNames.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>{m.status}</td>
                <td>
                  <button type="button" onClick={() => act(patch(`/v1/members/${m.id}`, { status: m.status === 'active' ? 'suspended' : 'active' }))}>
                    {m.status === 'active' ? 'Suspend' : 'Reactivate'}
                  </button>{' '}
                  <button type="button" onClick={() => confirm(`Remove ${m.email} from this tenant?`) && act(del(`/v1/members/${m.id}`))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

function Tokens() {
  const [tokens, reload] = useLoad('/v1/tokens?limit=200');
  const [name, setName] = useState('');
  const [days, setDays] = useState(90);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  return (
    <>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          post('/v1/tokens', { name, expires_in_s: days * 86400 })
            .then((t) => {
              setSecret(t.secret);
              setName('');
              setError('');
              reload();
            })
            .catch((err) => setError(err.message));
        }}
      >
        <label>
          Token name
          <input required maxLength={100} value={name} onInput={(e) => setName(e.target.value)} />
        </label>
        <label>
          Expires in (days)
          <input type="number" min="1" max="366" value={days} onInput={(e) => setDays(Number(e.target.value))} />
        </label>
        <button type="submit">Create token</button>
      </form>
      {secret && (
        <div class="notice" role="status">
          <p>
            Copy the new token now; it will not be shown again:
          </p>
          <input class="secret" readOnly value={secret} aria-label="New token secret" onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => setSecret('')}>
            I have copied it
          </button>
        </div>
      )}
      <Problem text={error || tokens.error} />
      <table>
        <TableHead caption="API tokens" columns={['Name', 'Prefix', 'Expires', 'State', 'Actions']} />
        <tbody>
          {tokens.data &&
            tokens.data.items.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}</code>
                </td>
                <td>{date(t.expires_at)}</td>
                <td>{t.revoked_at ? `revoked ${date(t.revoked_at)}` : 'active'}</td>
                <td>
                  {!t.revoked_at && (
                    <button type="button" aria-label={`Revoke ${t.name} (${t.prefix})`} onClick={() => del(`/v1/tokens/${t.id}`).then(reload, (e) => setError(e.message))}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

function Audit() {
  const [audit] = useLoad('/v1/audit?limit=200');
  return (
    <>
      <Problem text={audit.error} />
      <table>
        <TableHead caption="Audit log, newest first" columns={['When', 'Actor', 'Action', 'Resource', 'Outcome']} />
        <tbody>
          {audit.data &&
            audit.data.items.map((a) => (
              <tr key={a.id}>
                <td>{new Date(a.created_at).toLocaleString()}</td>
                <td>{a.actor}</td>
                <td>{a.action}</td>
                <td>
                  {a.resource_type} <code class="hint">{a.resource_id ? a.resource_id.slice(0, 8) : ''}</code>
                </td>
                <td>{a.outcome}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

function Jobs() {
  const [status, setStatus] = useState('');
  const [jobs, reload] = useLoad(`/v1/jobs?limit=200${status ? `&status=${status}` : ''}`);
  const [error, setError] = useState('');
  const act = (p) => p.then(() => (setError(''), reload())).catch((e) => setError(e.message));
  return (
    <>
      <div class="toolbar">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {['', 'queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled'].map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </div>
      <Problem text={error || jobs.error} />
      <table>
        <TableHead caption="Jobs, oldest first" columns={['Kind', 'Status', 'Attempts', 'Last error', 'Actions']} />
        <tbody>
          {jobs.data && jobs.data.items.length === 0 && (
            <tr>
              <td colSpan={5}>No jobs.</td>
            </tr>
          )}
          {jobs.data &&
            jobs.data.items.map((j) => (
              <tr key={j.id}>
                <td>{j.kind}</td>
                <td>{j.status}</td>
                <td>
                  {j.attempts}/{j.max_attempts}
                </td>
                <td>{j.last_error || ''}</td>
                <td>
                  {['dead', 'failed', 'cancelled'].includes(j.status) && (
                    <button type="button" onClick={() => act(post(`/v1/jobs/${j.id}/retry`))}>
                      Retry
                    </button>
                  )}
                  {['queued', 'running'].includes(j.status) && (
                    <button type="button" onClick={() => act(post(`/v1/jobs/${j.id}/cancel`))}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

function age(seconds) {
  if (!seconds) return '–';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

// GET /v1/pipelines: lag counted in this tenant's own events (a cursor shared by every tenant
// shows only this tenant's share of what waits).
function Pipelines() {
  const [report, reload] = useLoad('/v1/pipelines');
  const items = report.data ? report.data.items : [];
  return (
    <>
      <div class="toolbar">
        <p class="hint">
          How many of this tenant's changes each pipeline (search index, analytics, webhooks) has still to process, and how long the oldest has waited.
        </p>
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </div>
      <Problem text={report.error} />
      <div class="tablewrap">
        <table>
          <TableHead caption="Pipelines and their lag" columns={['Pipeline', 'Cursor', 'Position', 'Newest change', 'Lag (changes)', 'Oldest waiting', 'Last moved']} />
          <tbody>
            {report.data && items.length === 0 && (
              <tr>
                <td colSpan={7}>No pipeline has run yet.</td>
              </tr>
            )}
            {items.map((p) => (
              <tr key={`${p.name}/${p.tenant || ''}`}>
                <th scope="row">{p.name}</th>
                <td>{p.tenant ? 'this tenant' : 'all tenants'}</td>
                <td>{p.position}</td>
                <td>{p.head}</td>
                <td class={p.lag_events ? 'lagging' : ''}>
                  {p.lag_events}
                  {p.behind_horizon && ' (behind the retention horizon: rebuild)'}
                </td>
                <td>{age(p.age_s)}</td>
                <td>{new Date(p.updated_at).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function AdminPage({ path }) {
  const tab = TABS.find(([href]) => href === path) || TABS[0];
  return (
    <section>
      <h1>Administration</h1>
      <nav aria-label="Administration" class="tabs">
        {TABS.map(([href, label]) => (
          <a key={href} href={href} aria-current={href === tab[0] ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <h2>{tab[1]}</h2>
      {tab[0] === '/admin' && <Members />}
      {tab[0] === '/admin/tokens' && <Tokens />}
      {tab[0] === '/admin/audit' && <Audit />}
      {tab[0] === '/admin/jobs' && <Jobs />}
      {tab[0] === '/admin/pipelines' && <Pipelines />}
    </section>
  );
}
