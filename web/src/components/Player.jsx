// The media player: a <video> element whose source is the video's attached media file (a signed,
// expiring URL from GET /v1/videos/{id}/media: an element cannot send the API token) or else its
// primary http(s) source. Reports the playback position in milliseconds, every frame while playing.
import { useEffect, useRef, useState } from 'preact/hooks';
import { forwardRef } from 'preact/compat';

export const Player = forwardRef(function Player({ src, title, onTime, onReady }, ref) {
  const media = useRef(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (ref) ref.current = media.current;
  });
  useEffect(() => {
    const el = media.current;
    if (!el) return undefined;
    let frame = 0;
    const tick = () => {
      onTime(el.currentTime * 1000);
      if (!el.paused) frame = requestAnimationFrame(tick);
    };
    const report = () => onTime(el.currentTime * 1000);
    const play = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(tick);
    };
    const ready = () => onReady(el);
    const failure = () => setFailed(true);
    setFailed(false);
    el.addEventListener('error', failure);
    el.addEventListener('play', play);
    el.addEventListener('seeked', report);
    el.addEventListener('timeupdate', report);
    el.addEventListener('loadedmetadata', ready);
    if (el.readyState >= 1) ready();
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener('play', play);
      el.removeEventListener('seeked', report);
      el.removeEventListener('timeupdate', report);
      el.removeEventListener('loadedmetadata', ready);
      el.removeEventListener('error', failure);
    };
  }, [src]);
  if (!src) {
    return (
      <div class="player empty" role="note">
        No media is attached to this video, and its primary source is not a web address. The transcript still works;
        attach media with <code>narralytica media attach</code> or <code>PUT /v1/videos/&#123;id&#125;/media</code>.
      </div>
    );
  }
  return (
    <>
      <video class="player" ref={media} src={src} controls preload="metadata" aria-label={`Media of ${title}`} />
      {failed && (
        <p class="error" role="alert">
          The media could not be loaded from {new URL(src, location.href).origin === location.origin ? 'this server' : src}. The
          transcript still works.
        </p>
      )}
    </>
  );
});
