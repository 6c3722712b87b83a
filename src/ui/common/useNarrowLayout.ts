// Whether the page is laid out for a narrow screen (a phone, or a narrow window). The one place the
// breakpoint is written: the layout carries it as `data-layout` and app.css styles by that, so that the
// DOM order (which is the keyboard's and the screen reader's order) and the columns change together.
import { useSyncExternalStore } from "react";

/** At and below this width the sidebar stops being a column and the examples come first. */
export const NARROW_LAYOUT_MAX_PX = 900;

const QUERY = `(max-width: ${NARROW_LAYOUT_MAX_PX}px)`;

function subscribe(onChange: () => void): () => void {
  const list = window.matchMedia(QUERY);
  list.addEventListener("change", onChange);
  return () => list.removeEventListener("change", onChange);
}

export function useNarrowLayout(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(QUERY).matches,
    () => false,
  );
}
