// The app shell: signs in, then routes between the pages. Every page talks to the public /v1 API
// only, with the token kept in sessionStorage (session.js).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { post, setUnauthorizedHandler } from './api.js';
import { clearSession, loadSession, saveSession } from './session.js';
import { linkHandler, navigate, useLocation } from './router.js';
import { SignIn, sessionFor } from './pages/SignIn.jsx';
import { Library } from './pages/Library.jsx';
import { VideoPage } from './pages/Video.jsx';
import { ImportPage } from './pages/Import.jsx';
import { SearchPage } from './pages/Search.jsx';
import { AdminPage } from './pages/Admin.jsx';
import { PeoplePage } from './pages/People.jsx';
import { PersonPage } from './pages/Person.jsx';
import { TimelinePage } from './pages/Timeline.jsx';

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. <a href="/">Go to the library</a>.
      </p>
    </section>
  );
}

function page(path, session) {
  if (path === '/' || path === '/videos') return <Library />;
  const video = path.match(/^\/videos\/([0-9a-f-]{36})$/);
  if (video) return <VideoPage id={video[1]} />;
  if (path === '/timeline') return <TimelinePage />;
  if (path === '/people') return <PeoplePage />;
  const person = path.match(/^\/people\/([0-9a-f-]{36})$/);
  if (person) return <PersonPage id={person[1]} />;
  if (path === '/import') return <ImportPage />;
  if (path === '/search') return <SearchPage />;
  if (path.startsWith('/admin')) return session.admin ? <AdminPage path={path} /> : <NotFound />;
  return <NotFound />;
}

const NAV = [
  ['/', 'Library'],
  ['/search', 'Search'],
  ['/timeline', 'Timeline'],
  ['/people', 'People'],
  ['/import', 'Import'],
];

// The header's tenant switch, for a login session whose user is in several tenants: a new token in
// the chosen tenant (the old one is revoked by the server), then the library, since the page open
// belonged to the tenant left.
function TenantSwitch({ session, onSwitched }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const tenants = session.tenants || [];
  if (tenants.length < 2) {
    return <strong>{session.tenant.name || session.tenant.slug}</strong>;
  }
  async function choose(slug) {
    setBusy(true);
    setError('');
    try {
      const answer = await post('/v1/auth/switch', { tenant: slug });
      onSwitched(await sessionFor(answer.token, session.email, { canSwitch: true }));
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <select aria-label="Tenant" value={session.tenant.slug} disabled={busy} onChange={(e) => choose(e.target.value)}>
        {tenants.map((t) => (
          <option key={t.id} value={t.slug}>
            {t.name || t.slug}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" class="error">
          {error}
        </span>
      )}
    </>
  );
}

function Shell({ session, onSignOut, onSwitched }) {
  const { path } = useLocation();
  const links = session.admin ? [...NAV, ['/admin', 'Admin']] : NAV;
  const current = (href) => (href === '/' ? path === '/' || path.startsWith('/videos') : path.startsWith(href));
  useEffect(() => {
    const main = document.getElementById('main');
    if (main && document.activeElement === document.body) main.focus({ preventScroll: true });
  }, [path]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Narralytica
        </a>
        <nav aria-label="Main">
          <ul>
            {links.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={current(href) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={session.tenant.id}>{session.email ? `${session.email} · ` : ''}</span>
          <TenantSwitch session={session} onSwitched={onSwitched} />
          <button type="button" class="link" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      {/* keyed by tenant: a switch starts every page afresh, with nothing of the tenant left */}
      <main id="main" tabIndex={-1} key={session.tenant.id}>
        {page(path, session)}
      </main>
    </>
  );
}

function App() {
  const [session, setSession] = useState(loadSession());
  const signOut = () => {
    clearSession();
    setSession(null);
  };
  useEffect(() => setUnauthorizedHandler(signOut), []);
  if (!session) {
    return (
      <SignIn
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
          if (location.pathname.startsWith('/admin') && !s.admin) navigate('/', { replace: true });
        }}
      />
    );
  }
  // Signing out starts the next person at the library, not on the page this one left open.
  return (
    <Shell
      session={session}
      onSignOut={() => {
        signOut();
        navigate('/', { replace: true });
      }}
      onSwitched={(s) => {
        saveSession(s);
        setSession(s);
        navigate('/');
      }}
    />
  );
}

document.addEventListener('click', linkHandler);
const root = document.getElementById('app');
root.textContent = '';  // the "Loading" note; Preact would keep a node it did not render
render(<App />, root);
