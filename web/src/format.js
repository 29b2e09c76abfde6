// Display helpers shared by the pages.
export function clock(ms) {
  if (ms == null || Number.isNaN(ms)) return '–';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

export function date(iso) {
  if (!iso) return '–';
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

// Eight colours that each reach 4.5:1 against white as text and stay apart for the common colour
// vision deficiencies (Okabe–Ito, darkened where needed).
export const SPEAKER_COLOURS = ['#0063a6', '#b34700', '#007a5a', '#a3277a', '#6b5a00', '#5b4ba8', '#8a3b12', '#2f6b73'];

export function speakerName(speaker) {
  if (!speaker) return 'Unknown speaker';
  return speaker.display_name || speaker.label;
}
