// The video page: the player and the transcript side by side, synchronized both ways. Playing
// highlights the current segment and word; clicking one seeks there; #t=SECONDS in the URL opens
// at that moment. Speakers are coloured, renameable and linked to people, layers can be shown on the segments and
// charted over time, and the transcript exports as VTT, SRT or JSON.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { memo } from 'preact/compat';
import { get, getAll, patch, post, request } from '../api.js';
import { SPEAKER_COLOURS, clock, speakerName } from '../format.js';
import { Player } from '../components/Player.jsx';
import { VirtualList } from '../components/VirtualList.jsx';
import { LayerChart } from '../components/LayerChart.jsx';

const SHOWN_KINDS = ['sentiment', 'topics', 'entities'];
// Segments in the first request: enough to fill the screen, small enough to come back at once.
const FIRST_PAGE = 60;

// Index of the last item whose start is at or before t (-1 when none).
function lastStarted(items, t, startOf) {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (startOf(items[mid]) <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

// "95" or "95.25": seconds as short as they can be while still landing on the same millisecond.
export function secondsText(ms) {
  return String(Number((ms / 1000).toFixed(3)));
}

function hashTimeMs() {
  const m = location.hash.match(/(?:^#|&)t=(\d+(?:\.\d+)?)/);
  return m ? Math.round(Number(m[1]) * 1000) : null;
}

function layerBadges(kind, values) {
  const out = [];
  for (const v of values || []) {
    if (kind === 'sentiment' && v && v.label) out.push({ text: v.label, cls: `sent-${v.label}` });
    else if (Array.isArray(v)) {
      for (const e of v) out.push({ text: e.label || (e.type ? `${e.text} (${e.type})` : e.text), cls: kind });
    } else if (v && (v.label || v.text)) out.push({ text: v.label || v.text, cls: kind });
  }
  return out;
}

// The word under a click in a row rendered as one text node (words joined by single spaces):
// the caret offset at the point, mapped to the word it falls in. -1 when not over the words.
function wordAtPoint(event, words) {
  const caret = document.caretRangeFromPoint
    ? document.caretRangeFromPoint(event.clientX, event.clientY)
    : document.caretPositionFromPoint && document.caretPositionFromPoint(event.clientX, event.clientY);
  if (!caret) return -1;
  const node = caret.startContainer || caret.offsetNode;
  const offset = caret.startOffset ?? caret.offset;
  if (!node || node.nodeType !== Node.TEXT_NODE || !node.parentElement.classList.contains('text')) return -1;
  let end = 0;
  for (let i = 0; i < words.length; i++) {
    end += words[i].w.length + 1;
    if (offset < end) return i;
  }
  return words.length - 1;
}

// A segment row. Only the current row splits its words into elements (to highlight one); the
// others are one text node each, which keeps a screen of rows cheap to lay out while scrolling.
const Segment = memo(function Segment({ segment, index, current, word, speaker, colour, shown, onSeek }) {
  const name = speakerName(speaker);
  const words = segment.words && segment.words.length ? segment.words : null;
  return (
    <div
      role="listitem"
      data-row={index}
      class={`seg${current ? ' current' : ''}`}
      style={{ '--spk': colour }}
      aria-current={current ? 'true' : undefined}
      onClick={(e) => {
        const at = e.target.dataset && e.target.dataset.ms;
        if (at) return onSeek(Number(at));
        const i = words ? wordAtPoint(e, words) : -1;
        onSeek(i >= 0 ? words[i].s : segment.start_ms);
      }}
    >
      <div class="seghead">
        <button type="button" class="ts" aria-label={`Play from ${clock(segment.start_ms)}, ${name}`}>
          {clock(segment.start_ms)}
        </button>
        <span class="spk">{name}</span>
      </div>
      <p class="text">
        {words && current
          ? words.map((w, i) => (
              <span key={i} data-ms={w.s} class={i === word ? 'word now' : 'word'}>
                {w.w}{i + 1 < words.length ? ' ' : ''}
              </span>
            ))
          : words
            ? words.map((w) => w.w).join(' ')
            : segment.text}
      </p>
      {shown.length > 0 && segment.layers && (
        <ul class="badges" aria-label="Layers">
          {shown.flatMap((kind) =>
            layerBadges(kind, segment.layers[kind]).map((b, i) => (
              <li key={`${kind}${i}`} class={`badge ${b.cls}`}>
                <span class="visually-hidden">{kind}: </span>
                {b.text}
              </li>
            )),
          )}
        </ul>
      )}
    </div>
  );
});

// Focuses a field when it appears (not again on every keystroke's render).
function focusOnce(el) {
  if (el && !el.dataset.focused) {
    el.dataset.focused = '1';
    el.focus();
    el.select();
  }
}

// A speaker's person: the link to the person's page, and a form that links the speaker to a
// person by name (POST /v1/speakers/{id}/link: the one person of that name, created when there is
// none) with the tenant's people offered as suggestions.
function PersonLink({ speaker, onLinked }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const who = speakerName(speaker);
  if (!open) {
    return (
      <>
        {speaker.person_id && (
          <a href={`/people/${speaker.person_id}`} class="person">
            {speaker.person_name}
          </a>
        )}
        <button type="button" class="link" aria-label={`Link ${who} to a person`} onClick={() => (setOpen(true), setName(speaker.person_name || ''))}>
          {speaker.person_id ? 'Change person' : 'Link to person'}
        </button>
      </>
    );
  }
  return (
    <form
      class="rename"
      onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          onLinked(await post(`/v1/speakers/${speaker.id}/link`, { person: name.trim() }));
          setOpen(false);
          setError('');
        } catch (err) {
          setError(err.message);
        }
      }}
    >
      <label>
        <span class="visually-hidden">Person who speaks as {who}</span>
        <input value={name} required maxLength={200} list="people-names" placeholder="Person's name" onInput={(e) => setName(e.target.value)} ref={focusOnce} />
      </label>
      <button type="submit">Link</button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

function Speakers({ speakers, colourOf, onRenamed }) {
  const [editing, setEditing] = useState(null);
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [people, setPeople] = useState([]);
  useEffect(() => {
    getAll('/v1/people?limit=200', 1000).then(setPeople, () => setPeople([]));
  }, []);
  async function save(e, s) {
    e.preventDefault();
    try {
      const updated = await patch(`/v1/speakers/${s.id}`, { display_name: name.trim() });
      onRenamed(updated);
      setEditing(null);
      setError('');
    } catch (err) {
      setError(err.message);
    }
  }
  return (
    <section aria-labelledby="speakers-title" class="speakers">
      <h2 id="speakers-title">Speakers</h2>
      {speakers.length === 0 && <p class="hint">This transcript names no speakers.</p>}
      <datalist id="people-names">
        {people.map((p) => (
          <option key={p.id} value={p.name} />
        ))}
      </datalist>
      <ul>
        {speakers.map((s) => (
          <li key={s.id} style={{ '--spk': colourOf(s.id) }}>
            <span class="chip" aria-hidden="true" />
            {editing === s.id ? (
              <form onSubmit={(e) => save(e, s)} class="rename" onKeyDown={(e) => e.key === 'Escape' && setEditing(null)}>
                <label>
                  <span class="visually-hidden">New name for {speakerName(s)}</span>
                  <input value={name} required maxLength={200} onInput={(e) => setName(e.target.value)} ref={focusOnce} />
                </label>
                <button type="submit">Save</button>
                <button type="button" onClick={() => setEditing(null)}>
                  Cancel
                </button>
              </form>
            ) : (
              <>
                <span class="spkname">{speakerName(s)}</span>
                {s.display_name && <span class="hint"> ({s.label})</span>}
                <button
                  type="button"
                  class="link"
                  aria-label={`Rename ${speakerName(s)}`}
                  onClick={() => {
                    setEditing(s.id);
                    setName(speakerName(s));
                  }}
                >
                  Rename
                </button>
              </>
            )}
            <PersonLink speaker={s} onLinked={onRenamed} />
          </li>
        ))}
      </ul>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}

async function download(transcript, format, title) {
  const response = await request('GET', `/v1/transcripts/${transcript.id}?format=${format}`, { raw: true });
  const blob = await response.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${title.replace(/[^\w.-]+/g, '_') || 'transcript'}.${format}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function VideoPage({ id }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const [transcriptId, setTranscriptId] = useState('');
  const [segments, setSegments] = useState([]);
  const [kinds, setKinds] = useState([]);
  const [shown, setShown] = useState([]);
  const [mediaUrl, setMediaUrl] = useState('');
  const [timeMs, setTimeMs] = useState(0);
  const [follow, setFollow] = useState(true);
  const [status, setStatus] = useState('');
  const player = useRef(null);
  const list = useRef(null);
  const pendingSeek = useRef(hashTimeMs());

  useEffect(() => {
    let live = true;
    Promise.all([get(`/v1/videos/${id}`), get(`/v1/videos/${id}/transcripts`), get(`/v1/videos/${id}/speakers`)])
      .then(async ([video, transcripts, speakers]) => {
        let url = '';
        try {
          url = (await get(`/v1/videos/${id}/media`)).url;
        } catch {
          // A primary web address plays unless it names a transcript file (as the demo's do).
          const primary = video.sources.find(
            (s) => s.is_primary && /^https?:\/\//.test(s.uri || '') && !/\.(vtt|srt|json)$/i.test(s.uri),
          );
          url = primary ? primary.uri : '';
        }
        if (!live) return;
        const newest = [...transcripts.items].sort((a, b) => b.revision - a.revision || (a.created_at < b.created_at ? 1 : -1))[0];
        setData({ video, transcripts: transcripts.items, speakers: speakers.items });
        setTranscriptId(newest ? newest.id : '');
        setMediaUrl(url);
      })
      .catch((e) => live && setError(e.status === 404 ? 'There is no such video in this tenant.' : e.message));
    return () => {
      live = false;
    };
  }, [id]);

  useEffect(() => {
    if (!transcriptId) return;
    let live = true;
    setStatus('Loading the transcript…');
    get(`/v1/transcripts/${transcriptId}/layers`)
      .then((layers) => live && setKinds([...new Set(layers.items.map((l) => l.kind))].sort()))
      .catch(() => live && setKinds([]));
    // The first page is shown at once; the rest of a long transcript follows in large pages.
    (async () => {
      let page = await get(`/v1/transcripts/${transcriptId}/segments?limit=${FIRST_PAGE}`);
      let items = page.items;
      if (!live) return;
      setSegments(items);
      while (page.next_cursor && live) {
        page = await get(`/v1/transcripts/${transcriptId}/segments?limit=1000&cursor=${encodeURIComponent(page.next_cursor)}`);
        items = items.concat(page.items);
        if (live) setSegments(items);
      }
      if (live) setStatus('');
    })().catch((e) => live && setStatus(`Could not load the transcript: ${e.message}`));
    return () => {
      live = false;
    };
  }, [transcriptId]);

  // Layer values come with the segments (?layers=); fetched again when the set shown changes.
  useEffect(() => {
    if (!transcriptId || shown.length === 0) return;
    let live = true;
    getAll(`/v1/transcripts/${transcriptId}/segments?limit=1000&layers=${shown.join(',')}`, 100_000)
      .then((items) => live && setSegments(items))
      .catch((e) => live && setStatus(`Could not load the layers: ${e.message}`));
    return () => {
      live = false;
    };
  }, [shown.join(','), transcriptId]);

  const speakerById = useMemo(() => new Map((data ? data.speakers : []).map((s) => [s.id, s])), [data]);
  const colourOf = useCallback(
    (speakerId) => {
      const i = data ? data.speakers.findIndex((s) => s.id === speakerId) : -1;
      return i < 0 ? '#555' : SPEAKER_COLOURS[i % SPEAKER_COLOURS.length];
    },
    [data],
  );

  const current = useMemo(() => lastStarted(segments, timeMs, (s) => s.start_ms), [segments, timeMs]);
  const currentWord = useMemo(() => {
    const s = segments[current];
    return s && s.words ? lastStarted(s.words, timeMs, (w) => w.s) : -1;
  }, [segments, current, timeMs]);

  useEffect(() => {
    if (follow && current >= 0 && list.current) list.current.reveal(current);
  }, [current, follow]);

  const seek = useCallback((ms) => {
    const el = player.current;
    if (el) el.currentTime = ms / 1000;
    setTimeMs(ms);
    history.replaceState(null, '', `${location.pathname}${location.search}#t=${secondsText(ms)}`);
  }, []);

  // #t= opens at that moment once both the media and the segments are there.
  const onReady = useCallback((el) => {
    if (pendingSeek.current != null) {
      el.currentTime = pendingSeek.current / 1000;
      setTimeMs(pendingSeek.current);
    }
  }, []);
  useEffect(() => {
    if (pendingSeek.current != null && segments.length) {
      setTimeMs(pendingSeek.current);
      const i = lastStarted(segments, pendingSeek.current, (s) => s.start_ms);
      if (list.current) list.current.reveal(Math.max(0, i), true);
    }
  }, [segments]);
  useEffect(() => {
    const onHash = () => {
      const t = hashTimeMs();
      if (t != null) seek(t);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  if (error) return <p role="alert" class="error">{error}</p>;
  if (!data) return <p aria-busy="true">Loading…</p>;
  const { video, transcripts } = data;
  const transcript = transcripts.find((t) => t.id === transcriptId);
  const duration = video.duration_ms || (segments.length ? segments[segments.length - 1].end_ms : 0);
  const chartKinds = kinds.filter((k) => k !== 'embedding' && k !== 'summary');

  return (
    <article class="videopage">
      <header class="pagehead">
        <h1>{video.title}</h1>
        <p class="hint">
          {clock(duration)} · {video.language || 'language not set'} · {segments.length} segments
        </p>
      </header>
      <div class="split">
        <div class="left">
          <Player ref={player} src={mediaUrl} title={video.title} onTime={setTimeMs} onReady={onReady} />
          <div class="toolbar">
            {transcripts.length > 1 && (
              <label>
                Transcript
                <select value={transcriptId} onChange={(e) => setTranscriptId(e.target.value)}>
                  {transcripts.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.language} revision {t.revision}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {transcript && (
              <div class="exports" role="group" aria-label="Export the transcript">
                {['vtt', 'srt', 'json'].map((f) => (
                  <button key={f} type="button" onClick={() => download(transcript, f, video.title).catch((e) => setStatus(e.message))}>
                    Export {f.toUpperCase()}
                  </button>
                ))}
              </div>
            )}
          </div>
          <Speakers
            speakers={data.speakers}
            colourOf={colourOf}
            onRenamed={(s) => setData({ ...data, speakers: data.speakers.map((x) => (x.id === s.id ? s : x)) })}
          />
          <fieldset class="layers">
            <legend>Show layers on the segments</legend>
            {SHOWN_KINDS.map((k) => (
              <label key={k} class="check">
                <input
                  type="checkbox"
                  checked={shown.includes(k)}
                  disabled={!kinds.includes(k)}
                  onChange={(e) => setShown(e.target.checked ? [...shown, k] : shown.filter((x) => x !== k))}
                />
                {k}
                {!kinds.includes(k) && <span class="hint"> (none)</span>}
              </label>
            ))}
          </fieldset>
          {transcript && chartKinds.length > 0 && (
            <LayerChart
              transcriptId={transcript.id}
              kinds={chartKinds}
              durationMs={duration}
              speakerColour={colourOf}
              speakerLabel={(sid) => speakerName(speakerById.get(sid))}
              onSeek={seek}
            />
          )}
        </div>
        <div class="right">
          <div class="toolbar">
            <h2 id="transcript-title">Transcript</h2>
            <label class="check">
              <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
              Follow playback
            </label>
          </div>
          {status && <p role="status">{status}</p>}
          <VirtualList
            ref={list}
            count={segments.length}
            label="Transcript segments"
            estimate={(i) => 56 + Math.ceil((segments[i].text.length || 1) / 60) * 22}
            renderRow={(i) => {
              const s = segments[i];
              return (
                <Segment
                  key={`${transcriptId}:${s.ordinal}`}
                  segment={s}
                  index={i}
                  current={i === current}
                  word={i === current ? currentWord : -1}
                  speaker={speakerById.get(s.speaker_id) || (s.speaker ? { label: s.speaker } : null)}
                  colour={colourOf(s.speaker_id)}
                  shown={shown}
                  onSeek={seek}
                />
              );
            }}
          />
        </div>
      </div>
    </article>
  );
}
