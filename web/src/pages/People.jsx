// People: the tenant's persons a page at a time (GET /v1/people, keyset cursors), filtered by part
// of the name on the server (?q=), each linking to its page with appearances.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { date } from '../format.js';
import { navigate, useLocation } from '../router.js';
import { TableHead } from '../components/TableHead.jsx';

const PAGE = 50;

export function PeoplePage() {
  const { query } = useLocation();
  const q = query.get('q') || '';
  const cursor = query.get('cursor') || '';
  const [filter, setFilter] = useState(q);
  const [state, setState] = useState({ loading: true, items: [], next: null, error: '' });

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: '' }));
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (q) params.set('q', q);
    if (cursor) params.set('cursor', cursor);
    get(`/v1/people?${params}`)
      .then((page) => live && setState({ loading: false, items: page.items, next: page.next_cursor, error: '' }))
      .catch((e) => live && setState({ loading: false, items: [], next: null, error: e.message }));
    return () => {
      live = false;
    };
  }, [q, cursor]);

  return (
    <section>
      <div class="pagehead">
        <h1>People</h1>
        <p class="hint">Who speaks across videos. Link a speaker to a person on its video's page.</p>
      </div>
      <form
        role="search"
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(filter.trim() ? `/people?q=${encodeURIComponent(filter.trim())}` : '/people');
        }}
      >
        <label>
          Name contains
          <input type="search" value={filter} onInput={(e) => setFilter(e.target.value)} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {state.error && (
        <p class="error" role="alert">
          {state.error}
        </p>
      )}
      <div class="tablewrap">
        <table class="videos">
          <TableHead caption={`People${q ? ` whose name contains ${q}` : ''}`} columns={['Name', 'Speakers linked', 'Changed']} />
          <tbody aria-busy={state.loading ? 'true' : 'false'}>
            {!state.loading && state.items.length === 0 && (
              <tr>
                <td colSpan={3}>{q ? 'Nobody of that name.' : 'No people yet. Link a speaker to a person on a video page.'}</td>
              </tr>
            )}
            {state.items.map((p) => (
              <tr key={p.id}>
                <td data-label="Name">
                  <a href={`/people/${p.id}`}>{p.name}</a>
                </td>
                <td data-label="Speakers">{p.speaker_count}</td>
                <td data-label="Changed">{date(p.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pager">
        {cursor && (
          <button type="button" onClick={() => history.back()}>
            Previous page
          </button>
        )}
        {state.next && (
          <button type="button" onClick={() => navigate(`/people?${new URLSearchParams({ ...(q ? { q } : {}), cursor: state.next })}`)}>
            Next page
          </button>
        )}
      </div>
    </section>
  );
}
