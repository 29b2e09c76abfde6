// A layer over time per speaker (GET /v1/analytics/layers?by=speaker&bucket=…), drawn with uPlot:
// one line per speaker, counting the items of the chosen label in each time bucket.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get } from '../api.js';
import { SPEAKER_COLOURS, clock } from '../format.js';

function bucketFor(durationMs) {
  if (durationMs > 2 * 3600_000) return 600_000;
  if (durationMs > 20 * 60_000) return 60_000;
  return Math.max(5_000, Math.ceil(durationMs / 30 / 5_000) * 5_000);
}

export function LayerChart({ transcriptId, kinds, durationMs, speakerColour, speakerLabel, onSeek }) {
  const [kind, setKind] = useState(kinds.includes('sentiment') ? 'sentiment' : kinds[0]);
  const [rows, setRows] = useState(null);
  const [label, setLabel] = useState('');
  const [error, setError] = useState('');
  const box = useRef(null);
  const bucket = bucketFor(durationMs || 60_000);

  useEffect(() => {
    if (!kind) return;
    setError('');
    get(`/v1/analytics/layers?kind=${encodeURIComponent(kind)}&by=speaker&bucket=${bucket}&transcript=${transcriptId}`)
      .then((answer) => {
        setRows(answer.items);
        const labels = [...new Set(answer.items.map((r) => r.label).filter(Boolean))];
        setLabel((l) => (labels.includes(l) ? l : kind === 'sentiment' && labels.includes('negative') ? 'negative' : labels[0] || ''));
      })
      .catch((e) => setError(e.message));
  }, [kind, transcriptId, bucket]);

  const labels = useMemo(() => (rows ? [...new Set(rows.map((r) => r.label).filter(Boolean))].sort() : []), [rows]);

  useEffect(() => {
    if (!rows || !box.current) return;
    const buckets = Math.max(1, Math.ceil((durationMs || bucket) / bucket));
    const xs = Array.from({ length: buckets }, (_, i) => (i * bucket) / 1000);
    const speakers = [...new Set(rows.map((r) => r.speaker || ''))];
    const series = speakers.map((sp) => {
      const ys = new Array(buckets).fill(0);
      for (const r of rows) {
        if ((r.speaker || '') !== sp || r.label !== label) continue;
        const b = Math.floor((r.bucket_start_ms || 0) / bucket);
        if (b < buckets) ys[b] += r.count;
      }
      return ys;
    });
    const width = box.current.clientWidth || 600;
    const plot = new uPlot(
      {
        width,
        height: 200,
        scales: { x: { time: false } },
        axes: [
          { values: (u, ticks) => ticks.map((t) => clock(t * 1000)), stroke: '#333' },
          { label: `${label} items`, stroke: '#333' },
        ],
        series: [
          { label: 'time', value: (u, v) => (v == null ? '' : clock(v * 1000)) },
          ...speakers.map((sp) => ({
            label: speakerLabel(sp),
            stroke: speakerColour(sp),
            width: 2,
            points: { show: true, size: 5 },
          })),
        ],
        cursor: { drag: { x: false, y: false } },
        hooks: {
          ready: [
            (u) => u.over.addEventListener('click', () => {
              const i = u.cursor.idx;
              if (i != null) onSeek(xs[i] * 1000);
            }),
          ],
        },
      },
      [xs, ...series],
      box.current,
    );
    return () => plot.destroy();
  }, [rows, label, durationMs]);

  return (
    <section class="chart" aria-labelledby="chart-title">
      <h2 id="chart-title">Over time, per speaker</h2>
      <div class="toolbar">
        <label>
          Layer
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Label
          <select value={label} onChange={(e) => setLabel(e.target.value)}>
            {labels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <span class="hint">per {clock(bucket)} · click the chart to jump there</span>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <div ref={box} class="plot" role="img" aria-label={`Count of ${kind} ${label} items per ${bucket / 1000} seconds, one line per speaker`} />
    </section>
  );
}
