// The narrative timeline: how often a query comes up over the videos' published dates
// (GET /v1/timeline?q=…&bucket=…&by=…), drawn with uPlot, one line per speaker or person (the
// eight most frequent) or one for everything; the first mention, the peak, and each bucket's top
// moments as links to the video page at that second. The chart is also a table below it, which
// is what a screen reader or a keyboard reads. The form's state is in the URL, so a chart can be
// shared.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get } from '../api.js';
import { SPEAKER_COLOURS, clock } from '../format.js';
import { navigate, useLocation } from '../router.js';
import { Snippet } from './Search.jsx';
import { secondsText } from './Video.jsx';

const BUCKETS = ['day', 'week', 'month', 'year'];
const BY = [
  ['none', 'Everything'],
  ['speaker', 'Speaker'],
  ['person', 'Person'],
];
const LINES_MAX = SPEAKER_COLOURS.length;

const seriesName = (s) => s.name || (s.id ? s.id : 'no person');
const seconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;

function Moment({ hit }) {
  return (
    <a href={`/videos/${hit.video_id}#t=${secondsText(hit.start_ms)}`} class="hit">
      <span class="ts">{clock(hit.start_ms)}</span>
      <span>
        <strong>{hit.video_title}</strong> {hit.speaker && <span class="spk">{hit.speaker.name || hit.speaker.label}</span>} <Snippet html={hit.snippet} />
      </span>
    </a>
  );
}

function Chart({ answer, by }) {
  const box = useRef(null);
  useEffect(() => {
    if (!box.current || !answer.buckets.length) return;
    const xs = answer.buckets.map((b) => seconds(b.start));
    const lines = by === 'none' ? [{ name: 'matches', key: null }] : answer.series.slice(0, LINES_MAX).map((s) => ({ name: seriesName(s), key: s.id }));
    const ys = lines.map((line) =>
      answer.buckets.map((b) => {
        if (line.key === null && by === 'none') return b.count;
        const found = b.series.find((s) => s.id === line.key);
        return found ? found.count : 0;
      }),
    );
    const plot = new uPlot(
      {
        width: box.current.clientWidth || 600,
        height: 260,
        scales: { x: { time: true } },
        axes: [{ stroke: '#333' }, { label: 'matches', stroke: '#333' }],
        series: [
          { label: 'bucket', value: (u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) },
          ...lines.map((line, i) => ({ label: line.name, stroke: SPEAKER_COLOURS[i % SPEAKER_COLOURS.length], width: 2, points: { show: true, size: 6 } })),
        ],
        cursor: { drag: { x: false, y: false } },
      },
      [xs, ...ys],
      box.current,
    );
    return () => plot.destroy();
  }, [answer, by]);
  const peak = answer.buckets.find((b) => b.start === answer.peak);
  return (
    <div
      class="plot"
      ref={box}
      role="img"
      aria-label={`Matches per bucket from ${answer.buckets[0]?.start} to ${answer.buckets[answer.buckets.length - 1]?.start}${peak ? `, peak ${peak.count} on ${peak.start}` : ''}; the table below has every value.`}
    />
  );
}

export function TimelinePage() {
  const { query } = useLocation();
  const q = query.get('q') || '';
  const bucket = BUCKETS.includes(query.get('bucket')) ? query.get('bucket') : 'month';
  const by = BY.some(([v]) => v === query.get('by')) ? query.get('by') : 'none';
  const [form, setForm] = useState({ q, bucket, by });
  const [state, setState] = useState({ loading: false, answer: null, error: '' });

  useEffect(() => setForm({ q, bucket, by }), [q, bucket, by]);
  useEffect(() => {
    if (!q) return;
    let live = true;
    setState({ loading: true, answer: null, error: '' });
    get(`/v1/timeline?${new URLSearchParams({ q, bucket, by })}`)
      .then((answer) => live && setState({ loading: false, answer, error: '' }))
      .catch((e) => live && setState({ loading: false, answer: null, error: e.message }));
    return () => {
      live = false;
    };
  }, [q, bucket, by]);

  const { answer } = state;
  return (
    <section>
      <h1>Timeline</h1>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (form.q.trim()) navigate(`/timeline?${new URLSearchParams({ q: form.q.trim(), bucket: form.bucket, by: form.by })}`);
        }}
      >
        <label class="grow">
          Query
          <input type="search" required value={form.q} placeholder='a word, "a phrase", topic:flood' onInput={(e) => setForm({ ...form, q: e.target.value })} />
        </label>
        <label>
          Bucket
          <select value={form.bucket} onChange={(e) => setForm({ ...form, bucket: e.target.value })}>
            {BUCKETS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label>
          Lines per
          <select value={form.by} onChange={(e) => setForm({ ...form, by: e.target.value })}>
            {BY.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Draw</button>
      </form>
      <p class="hint">How often the query comes up over the videos' published dates; videos without a date are counted apart.</p>
      {state.loading && <p role="status">Counting…</p>}
      {state.error && (
        <p class="error" role="alert">
          {state.error}
        </p>
      )}
      {answer && (
        <>
          <p role="status">
            {answer.total} match{answer.total === 1 ? '' : 'es'}
            {answer.undated ? `, ${answer.undated} in videos with no published date` : ''}
            {answer.peak ? `; peak ${answer.peak}` : ''}.
          </p>
          {answer.first_mention && (
            <div class="first-mention">
              <h2>First mention</h2>
              <Moment hit={answer.first_mention} />
            </div>
          )}
          {answer.buckets.length > 0 && (
            <>
              <h2>Over time</h2>
              <div class="chart">
                <Chart answer={answer} by={by} />
              </div>
              <div class="tablewrap">
                <table class="timeline">
                  <caption class="visually-hidden">Matches per {bucket}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{bucket[0].toUpperCase() + bucket.slice(1)} from</th>
                      <th scope="col">Matches</th>
                      {by !== 'none' && <th scope="col">Most</th>}
                      <th scope="col">Top moments</th>
                    </tr>
                  </thead>
                  <tbody>
                    {answer.buckets.map((b) => (
                      <tr key={b.start} class={b.start === answer.peak ? 'peak' : ''}>
                        <th scope="row">
                          {b.start}
                          {b.start === answer.peak && <span class="hint"> (peak)</span>}
                        </th>
                        <td>{b.count}</td>
                        {by !== 'none' && <td>{b.series.slice(0, 3).map((s) => `${seriesName(s)} ${s.count}`).join(', ')}</td>}
                        <td>
                          <ul class="hits">
                            {b.top.map((hit) => (
                              <li key={`${hit.transcript_id}:${hit.ordinal}`}>
                                <Moment hit={hit} />
                              </li>
                            ))}
                          </ul>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {answer.total === 0 && <p>Nothing matches this query.</p>}
        </>
      )}
    </section>
  );
}
