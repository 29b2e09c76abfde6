// Import: drop VTT, SRT or JSON transcript files; each goes to POST /v1/videos/{id}/transcripts
// with a progress bar, into a chosen video or a new one titled after the file. A refused file
// shows the API's detail and, for a parse error, the line and column (field "body:LINE:COLUMN").
import { useEffect, useState } from 'preact/hooks';
import { del, getAll, post, upload } from '../api.js';

const TYPES = { vtt: 'text/vtt', srt: 'application/x-subrip', json: 'application/json' };

function contentType(name) {
  const ext = name.split('.').pop().toLowerCase();
  return TYPES[ext] || '';
}

// "body:12:5" -> "line 12, column 5"; other fields are shown as they are.
export function where(field) {
  const m = /^[^:]*:(\d+):(\d+)$/.exec(field || '');
  if (m) return `line ${m[1]}, column ${m[2]}`;
  return field ? `at ${field}` : '';
}

export function ImportPage() {
  const [videos, setVideos] = useState([]);
  const [target, setTarget] = useState('new');
  // The transcripts' language (VTT and SRT files rarely name one), also a new video's.
  const [language, setLanguage] = useState((navigator.language || 'en').split('-')[0]);
  const [files, setFiles] = useState([]);
  // Strict: a subtitle block a player would skip refuses the file (with its line and column)
  // instead of being skipped with a warning.
  const [strict, setStrict] = useState(true);
  const [over, setOver] = useState(false);

  useEffect(() => {
    getAll('/v1/videos?limit=1000', 5000).then(setVideos).catch(() => setVideos([]));
  }, []);

  const update = (key, change) => setFiles((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));

  async function importOne(entry) {
    let created = '';  // a video made for this file, removed again if the file is refused
    try {
      let videoId = target;
      if (target === 'new') {
        const title = entry.file.name.replace(/\.[^.]+$/, '');
        videoId = created = (await post('/v1/videos', { title, language: language.trim() || null })).id;
      }
      const query = new URLSearchParams();
      if (language.trim()) query.set('language', language.trim());
      if (strict) query.set('strict', 'true');
      const answer = await upload('POST', `/v1/videos/${videoId}/transcripts?${query}`, entry.file, contentType(entry.file.name), (p) =>
        update(entry.key, { progress: p }),
      );
      update(entry.key, {
        progress: 1,
        state: 'done',
        message: `${answer.status === 201 ? 'Imported' : 'Already imported'}: ${answer.body.segment_count} segments`,
        warnings: answer.body.warnings || [],
        videoId,
      });
    } catch (e) {
      update(entry.key, { state: 'failed', message: e.detail || e.message, where: where(e.field) });
      if (created) del(`/v1/videos/${created}`).catch(() => {});
    }
  }

  function add(fileList) {
    const entries = [...fileList].map((file, i) => ({ key: `${Date.now()}-${i}-${file.name}`, file, progress: 0, state: 'uploading', message: '' }));
    setFiles((list) => [...entries, ...list]);
    entries.forEach(importOne);
  }

  return (
    <section>
      <h1>Import transcripts</h1>
      <div class="toolbar">
        <label>
          Into
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="new">a new video per file (titled after the file)</option>
            {videos.map((v) => (
              <option key={v.id} value={v.id}>
                {v.title}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={strict} onChange={(e) => setStrict(e.target.checked)} />
          Refuse a file with any problem
        </label>
        <label>
          Language (BCP 47)
          <input value={language} size={8} maxLength={35} placeholder="en" onInput={(e) => setLanguage(e.target.value)} />
        </label>
      </div>
      <div
        class={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          add(e.dataTransfer.files);
        }}
      >
        <p>Drop WebVTT, SRT or JSON transcript files here, or</p>
        <label class="button">
          Choose files
          <input class="visually-hidden" type="file" multiple accept=".vtt,.srt,.json" onChange={(e) => add(e.target.files)} />
        </label>
      </div>
      <ul class="imports" aria-live="polite" aria-label="Imported files">
        {files.map((f) => (
          <li key={f.key} class={f.state}>
            <span class="fname">{f.file.name}</span>
            <progress max="1" value={f.progress} aria-label={`Upload of ${f.file.name}`} />
            <span class="result">
              {f.state === 'uploading' && 'Uploading…'}
              {f.state === 'done' && (
                <>
                  {f.message} · <a href={`/videos/${f.videoId}`}>open</a>
                  {f.warnings.length > 0 && (
                    <ul class="warnings" aria-label={`Warnings for ${f.file.name}`}>
                      {f.warnings.slice(0, 5).map((w, i) => (
                        <li key={i}>
                          {w.line ? `line ${w.line}, column ${w.column}: ` : ''}
                          {w.message}
                        </li>
                      ))}
                      {f.warnings.length > 5 && <li>and {f.warnings.length - 5} more</li>}
                    </ul>
                  )}
                </>
              )}
              {f.state === 'failed' && (
                <span role="alert">
                  Refused{f.where ? ` (${f.where})` : ''}: {f.message}
                </span>
              )}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
