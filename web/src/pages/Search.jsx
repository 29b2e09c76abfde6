// Search: GET /v1/search?q=…&group=video, hits grouped by video with highlighted snippets, speaker
// and time; a hit opens the video page at that second. A malformed query is answered 400 with the
// character position in its detail, shown under the box. Until the server has the route (404),
// the page says search is not available.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { clock } from '../format.js';
import { navigate, useLocation } from '../router.js';
import { secondsText } from './Video.jsx';

const HINTS = 'Words match anywhere; "a phrase" in order; prefix*; -word excludes; filters such as speaker:"Ada", from:12m, after:2025 (docs/search.md).';

// Snippets are HTML-escaped by the server with <mark> around matched terms; only <mark> is kept.
export function Snippet({ html }) {
  const parts = html.split(/(<mark>|<\/mark>)/);
  const out = [];
  let marked = false;
  const decode = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  parts.forEach((p, i) => {
    if (p === '<mark>') marked = true;
    else if (p === '</mark>') marked = false;
    else if (p) out.push(marked ? <mark key={i}>{decode(p)}</mark> : decode(p));
  });
  return <span class="snippet">{out}</span>;
}

export function SearchPage() {
  const { query } = useLocation();
  const q = query.get('q') || '';
  const cursor = query.get('cursor') || '';
  const [text, setText] = useState(q);
  const [state, setState] = useState({ loading: false, groups: [], total: null, next: null, error: '', unavailable: false });

  useEffect(() => setText(q), [q]);
  useEffect(() => {
    if (!q) return;
    let live = true;
    setState((s) => ({ ...s, loading: true, error: '' }));
    get(`/v1/search?q=${encodeURIComponent(q)}&limit=20&group=video${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      .then((a) => live && setState({ loading: false, groups: a.groups || [], total: a.total, next: a.next_cursor, error: '', unavailable: false }))
      .catch((e) => {
        if (!live) return;
        if (e.status === 404 && e.code === 'not_found' && !e.field) setState({ loading: false, groups: [], total: null, next: null, error: '', unavailable: true });
        else setState({ loading: false, groups: [], total: null, next: null, error: e.detail || e.message, unavailable: false });
      });
    return () => {
      live = false;
    };
  }, [q, cursor]);

  return (
    <section>
      <h1>Search</h1>
      <form
        role="search"
        class="searchbox wide"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) navigate(`/search?q=${encodeURIComponent(text.trim())}`);
        }}
      >
        <label for="search-q">Query</label>
        <input id="search-q" type="search" value={text} aria-describedby="search-hints search-error" aria-invalid={state.error ? 'true' : undefined} onInput={(e) => setText(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <p id="search-hints" class="hint">
        {HINTS}
      </p>
      <p id="search-error" class="error" role="alert">
        {state.error}
      </p>
      {state.unavailable && (
        <p role="status" class="notice">
          Search is not available on this server yet.
        </p>
      )}
      {state.total && (
        <p role="status">
          {state.total.exact ? '' : 'about '}
          {state.total.value} matching {state.total.value === 1 ? 'segment' : 'segments'}
        </p>
      )}
      {state.groups.map((g) => (
        <section key={g.video_id} class="hitgroup" aria-label={g.video_title}>
          <h2>
            <a href={`/videos/${g.video_id}`}>{g.video_title}</a> <span class="hint">{g.hits === 1 ? '1 hit' : `${g.hits} hits`}</span>
          </h2>
          <ol class="hits">
            {g.items.map((h) => (
              <li key={`${h.transcript_id}:${h.ordinal}`}>
                <a href={`/videos/${h.video_id}#t=${secondsText(h.start_ms)}`} class="hit">
                  <span class="ts">{clock(h.start_ms)}</span>
                  {h.speaker && <span class="spk">{h.speaker.name || h.speaker.label}</span>}
                  <Snippet html={h.snippet} />
                </a>
              </li>
            ))}
          </ol>
        </section>
      ))}
      {state.next && (
        <button type="button" onClick={() => navigate(`/search?q=${encodeURIComponent(q)}&cursor=${encodeURIComponent(state.next)}`)}>
          More results
        </button>
      )}
    </section>
  );
}
