// A list that renders only the rows near the viewport, for transcripts of thousands of segments.
// Rows have different heights: each starts from an estimate (the mean of the rows measured so far
// once there are any), is measured once rendered, and the offsets are summed again (3,000
// additions is nothing next to laying out 3,000 rows). A scroll re-renders only when the range
// of rows to show changes.
import { useLayoutEffect, useMemo, useRef, useState, useImperativeHandle } from 'preact/hooks';
import { forwardRef } from 'preact/compat';

const OVERSCAN_PX = 800;

function firstAtOrAfter(offsets, count, y) {
  let lo = 0;
  let hi = Math.max(0, count - 1);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1] <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function rangeFor(offsets, count, top, height) {
  if (!count) return [0, 0];
  const start = firstAtOrAfter(offsets, count, Math.max(0, top - OVERSCAN_PX));
  let end = start;
  while (end < count && offsets[end] < top + height + OVERSCAN_PX) end++;
  return [start, end];
}

export const VirtualList = forwardRef(function VirtualList({ count, estimate, renderRow, label }, ref) {
  const scroller = useRef(null);
  const heights = useRef([]);
  const measured = useRef({ sum: 0, n: 0 });
  const [layoutTick, setLayoutTick] = useState(0);
  const [range, setRange] = useState([0, 0]);

  if (heights.current.length !== count) {
    const mean = measured.current.n ? measured.current.sum / measured.current.n : 0;
    heights.current = Array.from({ length: count }, (_, i) => heights.current[i] || mean || estimate(i));
  }
  const offsets = useMemo(() => {
    const o = new Float64Array(count + 1);
    for (let i = 0; i < count; i++) o[i + 1] = o[i] + heights.current[i];
    return o;
  }, [count, layoutTick]);
  const live = useRef({ offsets, count });
  live.current = { offsets, count };

  const update = () => {
    const el = scroller.current;
    if (!el) return;
    const next = rangeFor(live.current.offsets, live.current.count, el.scrollTop, el.clientHeight || 800);
    setRange((r) => (r[0] === next[0] && r[1] === next[1] ? r : next));
  };

  useImperativeHandle(ref, () => ({
    // Brings row i into view (a third from the top) unless it already is; `force` scrolls anyway.
    reveal(i, force = false) {
      const el = scroller.current;
      if (!el || i < 0 || i >= count) return;
      const top = offsets[i];
      const bottom = offsets[i + 1];
      if (!force && top >= el.scrollTop && bottom <= el.scrollTop + el.clientHeight) return;
      el.scrollTop = Math.max(0, top - el.clientHeight / 3);
      update();
    },
  }));

  useLayoutEffect(() => {
    const el = scroller.current;
    el.addEventListener('scroll', update, { passive: true });
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      resize.disconnect();
    };
  }, []);
  useLayoutEffect(update, [count, layoutTick]);

  // Measures the rows just rendered; a changed height moves the rows below it.
  useLayoutEffect(() => {
    let changed = false;
    for (const row of scroller.current.children) {
      const i = row.dataset.row;
      if (i === undefined) continue;
      const h = row.offsetHeight;
      const old = heights.current[i];
      if (h && Math.abs(old - h) > 0.5) {
        heights.current[i] = h;
        measured.current.sum += h;
        measured.current.n += 1;
        changed = true;
      }
    }
    if (changed) setLayoutTick((t) => t + 1);
  });

  const [start, end] = [Math.min(range[0], count), Math.min(range[1], count)];
  const rows = [];
  for (let i = start; i < end; i++) rows.push(renderRow(i));
  return (
    <div class="vlist" ref={scroller} role="list" aria-label={label} tabIndex={0}>
      <div style={{ height: `${offsets[start]}px` }} aria-hidden="true" />
      {rows}
      <div style={{ height: `${offsets[count] - offsets[end]}px` }} aria-hidden="true" />
    </div>
  );
});
