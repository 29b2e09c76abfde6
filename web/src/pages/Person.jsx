// A person: where they speak (GET /v1/people/{id}/appearances: video, speaking time, first and
// last moment, each moment a link to the video page at that second), renaming (PATCH with the
// ETag read, so a change made meanwhile is refused rather than overwritten) and merging into
// another person (POST …/merge; the page then shows the survivor). A merged id answers 308 to the
// survivor, which fetch follows.
import { useEffect, useState } from 'preact/hooks';
import { getAll, request } from '../api.js';
import { clock, date } from '../format.js';
import { navigate } from '../router.js';
import { secondsText } from './Video.jsx';
import { TableHead } from '../components/TableHead.jsx';

async function loadPerson(id) {
  const response = await request('GET', `/v1/people/${id}`, { raw: true });
  const person = await response.json();
  const appearances = await getAll(`/v1/people/${person.id}/appearances`, 500);
  return { person, etag: response.headers.get('ETag'), appearances };
}

function moment(appearance, ms) {
  return (
    <a href={`/videos/${appearance.video.id}#t=${secondsText(ms)}`} aria-label={`${clock(ms)} in ${appearance.video.title}`}>
      {clock(ms)}
    </a>
  );
}

function Rename({ data, onDone }) {
  const [name, setName] = useState(data.person.name);
  const [error, setError] = useState('');
  return (
    <form
      class="toolbar"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await request('PATCH', `/v1/people/${data.person.id}`, { json: { name: name.trim() }, headers: data.etag ? { 'If-Match': data.etag } : {} });
          setError('');
          onDone();
        } catch (err) {
          setError(err.status === 412 ? 'Someone changed this person meanwhile; the page now shows their change.' : err.message);
          if (err.status === 412) onDone();
        }
      }}
    >
      <label>
        Name
        <input required maxLength={200} value={name} onInput={(e) => setName(e.target.value)} />
      </label>
      <button type="submit">Rename</button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Merge({ person }) {
  const [others, setOthers] = useState([]);
  const [into, setInto] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    getAll('/v1/people?limit=200', 1000)
      .then((all) => setOthers(all.filter((p) => p.id !== person.id)))
      .catch((e) => setError(e.message));
  }, [person.id]);
  if (!others.length) return null;
  return (
    <form
      class="toolbar"
      onSubmit={async (e) => {
        e.preventDefault();
        const target = others.find((p) => p.id === into);
        if (!target || !confirm(`Merge ${person.name} into ${target.name}? Their speakers move to ${target.name}.`)) return;
        try {
          const survivor = await request('POST', `/v1/people/${person.id}/merge`, { json: { into } });
          navigate(`/people/${survivor.id}`, { replace: true });
        } catch (err) {
          setError(err.message);
        }
      }}
    >
      <label>
        Merge into
        <select required value={into} onChange={(e) => setInto(e.target.value)}>
          <option value="">Choose a person…</option>
          {others.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!into}>
        Merge
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function PersonPage({ id }) {
  const [state, setState] = useState({ data: null, error: '' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    loadPerson(id)
      .then((data) => live && setState({ data, error: '' }))
      .catch((e) => live && setState({ data: null, error: e.status === 404 ? 'There is no such person in this tenant.' : e.message }));
    return () => {
      live = false;
    };
  }, [id, tick]);
  if (state.error) {
    return (
      <section>
        <h1>Person</h1>
        <p class="error" role="alert">
          {state.error}
        </p>
      </section>
    );
  }
  if (!state.data) return <p role="status">Loading…</p>;
  const { person, appearances } = state.data;
  const total = appearances.reduce((sum, a) => sum + a.speaking_ms, 0);
  return (
    <section>
      <p>
        <a href="/people">← People</a>
      </p>
      <h1>{person.name}</h1>
      <p class="hint">
        {person.speaker_count} speaker{person.speaker_count === 1 ? '' : 's'} linked, speaking {clock(total)} in {appearances.length} transcript
        {appearances.length === 1 ? '' : 's'}.
      </p>
      <h2>Appearances</h2>
      <div class="tablewrap">
        <table class="videos">
          <TableHead caption={`Where ${person.name} speaks, newest video first`} columns={['Video', 'Published', 'Language', 'Speaking time', 'Segments', 'First', 'Last']} />
          <tbody>
            {appearances.length === 0 && (
              <tr>
                <td colSpan={7}>No transcript has a segment by this person's speakers.</td>
              </tr>
            )}
            {appearances.map((a) => (
              <tr key={a.transcript_id}>
                <td data-label="Video">
                  <a href={`/videos/${a.video.id}`}>{a.video.title}</a>
                </td>
                <td data-label="Published">{date(a.video.published_at)}</td>
                <td data-label="Language">{a.language}</td>
                <td data-label="Speaking">{clock(a.speaking_ms)}</td>
                <td data-label="Segments">{a.segment_count}</td>
                <td data-label="First" class="first-moment">{moment(a, a.first_ms)}</td>
                <td data-label="Last">{moment(a, a.last_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Rename</h2>
      <Rename data={state.data} onDone={() => setTick((t) => t + 1)} />
      <h2>Merge</h2>
      <p class="hint">Two entries for one person: merge this one into the other, which keeps every speaker of both.</p>
      <Merge person={person} />
    </section>
  );
}
