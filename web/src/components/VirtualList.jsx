// A list that renders only the rows near the viewport, for transcripts of thousands of segments.
// Rows have different heights: each starts from an estimate, is measured once rendered, and the
// offsets are summed again (3,000 additions is nothing next to laying out 3,000 rows).
import { useLayoutEffect, useMemo, useRef, useState, useImperativeHandle } from 'preact/hooks';
import { forwardRef } from 'preact/compat';

const OVERSCAN_PX = 600;

function firstAtOrAfter(offsets, y) {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1] <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const VirtualList = forwardRef(function VirtualList({ count, estimate, renderRow, label, version }, ref) {
  const scroller = useRef(null);
  const heights = useRef([]);
  const [layoutTick, setLayoutTick] = useState(0);
  const [view, setView] = useState({ top: 0, height: 800 });

  if (heights.current.length !== count) {
    heights.current = Array.from({ length: count }, (_, i) => heights.current[i] || estimate(i));
  }
  const offsets = useMemo(() => {
    const o = new Float64Array(count + 1);
    for (let i = 0; i < count; i++) o[i + 1] = o[i] + heights.current[i];
    return o;
  }, [count, layoutTick]);

  const start = count ? firstAtOrAfter(offsets, Math.max(0, view.top - OVERSCAN_PX)) : 0;
  let end = start;
  while (end < count && offsets[end] < view.top + view.height + OVERSCAN_PX) end++;

  useImperativeHandle(ref, () => ({
    // Brings row i into view (centered) unless it already is; `force` scrolls anyway.
    reveal(i, force = false) {
      const el = scroller.current;
      if (!el || i < 0 || i >= count) return;
      const top = offsets[i];
      const bottom = offsets[i + 1];
      if (!force && top >= el.scrollTop && bottom <= el.scrollTop + el.clientHeight) return;
      el.scrollTop = Math.max(0, top - el.clientHeight / 3);
    },
    element: () => scroller.current,
  }));

  useLayoutEffect(() => {
    const el = scroller.current;
    const onScroll = () => setView({ top: el.scrollTop, height: el.clientHeight });
    onScroll();
    el.addEventListener('scroll', onScroll, { passive: true });
    const resize = new ResizeObserver(onScroll);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resize.disconnect();
    };
  }, []);

  // Measures the rows just rendered; a changed height moves the rows below it.
  useLayoutEffect(() => {
    const el = scroller.current;
    let changed = false;
    for (const row of el.querySelectorAll('[data-row]')) {
      const i = Number(row.dataset.row);
      const h = row.offsetHeight;
      if (h && Math.abs(heights.current[i] - h) > 0.5) {
        heights.current[i] = h;
        changed = true;
      }
    }
    if (changed) setLayoutTick((t) => t + 1);
  });

  const rows = [];
  for (let i = start; i < end; i++) rows.push(renderRow(i));
  return (
    <div class="vlist" ref={scroller} role="list" aria-label={label} tabIndex={0} data-version={version}>
      <div style={{ height: `${offsets[start]}px` }} aria-hidden="true" />
      {rows}
      <div style={{ height: `${offsets[count] - offsets[end]}px` }} aria-hidden="true" />
    </div>
  );
});
