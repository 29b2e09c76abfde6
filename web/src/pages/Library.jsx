// The library: the tenant's videos a page at a time (GET /v1/videos, keyset cursors), with each
// video's transcripts and speakers counted from its own routes, sorting and filtering of the page
// shown, and a search box that opens the search page.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../api.js';
import { clock, date } from '../format.js';
import { navigate, useLocation } from '../router.js';

const PAGE = 25;

const COLUMNS = [
  ['title', 'Title'],
  ['duration_ms', 'Duration'],
  ['language', 'Language'],
  ['transcripts', 'Transcripts'],
  ['speakers', 'Speakers'],
  ['created_at', 'Imported'],
];

async function withCounts(video) {
  const [transcripts, speakers] = await Promise.all([
    get(`/v1/videos/${video.id}/transcripts`),
    get(`/v1/videos/${video.id}/speakers`),
  ]);
  return { ...video, transcripts: transcripts.items.length, speakers: speakers.items.length, transcriptList: transcripts.items };
}

export function SearchBox({ initial = '' }) {
  const [q, setQ] = useState(initial);
  return (
    <form
      role="search"
      class="searchbox"
      onSubmit={(e) => {
        e.preventDefault();
        if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
      }}
    >
      <label for="library-search" class="visually-hidden">
        Search transcripts
      </label>
      <input id="library-search" type="search" placeholder="Search what was said…" value={q} onInput={(e) => setQ(e.target.value)} />
      <button type="submit">Search</button>
    </form>
  );
}

export function Library() {
  const { query } = useLocation();
  const cursor = query.get('cursor') || '';
  const [state, setState] = useState({ loading: true, items: [], next: null, error: '' });
  const [sort, setSort] = useState({ key: 'created_at', dir: -1 });
  const [filter, setFilter] = useState('');
  const [trail, setTrail] = useState([]);  // cursors of the pages before this one

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: '' }));
    get(`/v1/videos?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      .then(async (page) => {
        const items = await Promise.all(page.items.map(withCounts));
        if (live) setState({ loading: false, items, next: page.next_cursor, error: '' });
      })
      .catch((e) => live && setState({ loading: false, items: [], next: null, error: e.message }));
    return () => {
      live = false;
    };
  }, [cursor]);

  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const kept = state.items.filter(
      (v) => !needle || v.title.toLowerCase().includes(needle) || (v.language || '').toLowerCase().includes(needle),
    );
    return kept.sort((a, b) => {
      const x = a[sort.key] ?? '';
      const y = b[sort.key] ?? '';
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
    });
  }, [state.items, filter, sort]);

  const sortBy = (key) => setSort((s) => ({ key, dir: s.key === key ? -s.dir : 1 }));

  return (
    <section>
      <div class="pagehead">
        <h1>Library</h1>
        <SearchBox />
      </div>
      <div class="toolbar">
        <label>
          Filter this page
          <input type="text" value={filter} placeholder="title or language" onInput={(e) => setFilter(e.target.value)} />
        </label>
        <a class="button" href="/import">
          Import transcripts
        </a>
      </div>
      {state.error && (
        <p role="alert" class="error">
          Could not load the videos: {state.error}
        </p>
      )}
      <div class="tablewrap">
        <table class="videos" aria-busy={state.loading}>
          <caption class="visually-hidden">Videos, sortable by column</caption>
          <thead>
            <tr>
              {COLUMNS.map(([key, label]) => (
                <th key={key} scope="col" aria-sort={sort.key === key ? (sort.dir > 0 ? 'ascending' : 'descending') : undefined}>
                  <button type="button" class="sort" onClick={() => sortBy(key)}>
                    {label}
                    <span aria-hidden="true">{sort.key === key ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((v) => (
              <tr key={v.id}>
                <td data-label="Title">
                  <a href={`/videos/${v.id}`}>{v.title}</a>
                </td>
                <td data-label="Duration">{clock(v.duration_ms)}</td>
                <td data-label="Language">{v.language || '–'}</td>
                <td data-label="Transcripts">{v.transcripts}</td>
                <td data-label="Speakers">{v.speakers}</td>
                <td data-label="Imported">{date(v.created_at)}</td>
              </tr>
            ))}
            {!state.loading && rows.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length}>{state.items.length ? 'No video on this page matches the filter.' : 'No videos yet. Import a transcript to start.'}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages of videos">
        <button
          type="button"
          disabled={!cursor}
          onClick={() => {
            const before = trail.slice(0, -1);
            const previous = trail[trail.length - 1] || '';
            setTrail(before);
            navigate(previous ? `/?cursor=${encodeURIComponent(previous)}` : '/');
          }}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={!state.next}
          onClick={() => {
            setTrail([...trail, cursor]);
            navigate(`/?cursor=${encodeURIComponent(state.next)}`);
          }}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}
